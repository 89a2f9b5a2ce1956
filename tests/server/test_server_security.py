"""The optional API key: 401 without it, the spec stays public."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API, ROOT

KEY = "s3cret-key"
OPERATIONS = [
    ("GET", "/metrics"),
    ("GET", "/realtime"),
    ("POST", "/report"),
    ("GET", "/reports/report_1_ff"),
    ("GET", "/reports/report_1_ff/report.html"),
    ("GET", "/visualization/throughput"),
    ("GET", "/config"),
    ("POST", "/config"),
    ("GET", "/timeseries"),
]


@pytest.fixture(scope="module")
def locked() -> Iterator[RunningServer]:
    with running_server(api_key=KEY, demo=False) as server:
        yield server


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-key", f"Basic {KEY}", f"Bearer {KEY}x"])
def test_every_operation_needs_the_key(
    locked: RunningServer, method: str, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = httpx.request(method, locked.url + API + path, headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or missing API key"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_right_key_is_accepted(locked: RunningServer) -> None:
    assert locked.api_key == KEY
    headers = {"Authorization": f"Bearer {KEY}"}
    response = httpx.get(locked.url + API + "/realtime", headers=headers, timeout=30)
    assert response.status_code == 200 and response.json()["success"] is True


def test_the_spec_needs_no_key(locked: RunningServer) -> None:
    response = httpx.get(locked.url + "/openapi.yaml", timeout=30)
    assert response.status_code == 200
    assert response.content == (ROOT / "openapi.yaml").read_bytes()


def test_without_a_key_configured_no_header_is_needed(wal_telemetry_server: RunningServer) -> None:
    response = httpx.get(wal_telemetry_server.url + API + "/config", timeout=30)
    assert response.status_code == 200
