"""Settings: validation with clear 422s, restart warnings, persistence across a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server(demo=False) as server:
        yield server


def client(server: RunningServer) -> httpx.Client:
    return httpx.Client(base_url=server.url + API, timeout=30)


def test_defaults(server: RunningServer) -> None:
    with client(server) as c:
        body = c.get("/config").json()
    assert body["operation"] == "get_telemetry_config"
    config = body["config"]
    assert config["enabled"] is True
    assert (config["retention_days"], config["sampling_interval"]) == (30, 60)
    assert config["metrics_path"].endswith("-reports")


@pytest.mark.parametrize(
    ("update", "kind", "field"),
    [
        ({"retention_days": 0}, "greater_than_equal", "retention_days"),
        ({"sampling_interval": 0}, "greater_than_equal", "sampling_interval"),
        ({"sampling_interval": 86_401}, "less_than_equal", "sampling_interval"),
        ({"retention_days": "30"}, "int_type", "retention_days"),
        ({"retention_days": 1.5}, "int_type", "retention_days"),
        ({"retention_days": True}, "int_type", "retention_days"),
        ({"enabled": "yes"}, "bool_type", "enabled"),
        ({"enabled": None}, "bool_type", "enabled"),
        ({"metrics_path": ""}, "string_too_short", "metrics_path"),
        ({"metrics_path": 7}, "string_type", "metrics_path"),
        ({"colour": "blue"}, "extra_forbidden", "colour"),
    ],
)
def test_invalid_updates_are_422_and_change_nothing(
    server: RunningServer, update: dict[str, Any], kind: str, field: str
) -> None:
    with client(server) as c:
        before = c.get("/config").json()["config"]
        response = c.post(
            "/config",
            json={"enable_detailed_timing": not before["enable_detailed_timing"], **update},
        )
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert (error["type"], error["loc"]) == (kind, ["body", field])
        assert error["msg"]
        assert c.get("/config").json()["config"] == before


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'{"retention_days": NaN}'])
def test_bodies_that_are_not_an_object_are_422(server: RunningServer, body: bytes) -> None:
    with client(server) as c:
        response = c.post("/config", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_every_problem_is_listed(server: RunningServer) -> None:
    with client(server) as c:
        response = c.post("/config", json={"retention_days": 0, "sampling_interval": "x", "foo": 1})
    assert {e["loc"][1] for e in response.json()["detail"]} == {
        "retention_days",
        "sampling_interval",
        "foo",
    }


def test_oversized_bodies_are_refused(server: RunningServer) -> None:
    with client(server) as c:
        response = c.post("/config", json={"metrics_path": "x" * 70_000})
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


def test_updates_apply_warn_and_persist_across_a_restart(
    server: RunningServer, tmp_path: Any
) -> None:
    new_path = str(tmp_path / "elsewhere")
    with client(server) as c:
        before_root = c.get("/config").json()["config"]["metrics_path"]
        response = c.post("/config", json={"retention_days": 14, "sampling_interval": 30})
        assert response.status_code == 200
        body = response.json()
        assert body["operation"] == "update_telemetry_config" and "warning" not in body
        assert (body["config"]["retention_days"], body["config"]["sampling_interval"]) == (14, 30)
        warned = c.post("/config", json={"metrics_path": new_path, "operation_hooks": False}).json()
        assert warned["warning"] == "metrics_path and operation_hooks take effect after a restart"
    port, db = server.port, server.db_path
    server.restart()
    assert (server.port, server.db_path) == (port, db)
    with client(server) as c:
        config = c.get("/config").json()["config"]
        assert (config["retention_days"], config["sampling_interval"]) == (14, 30)
        assert config["metrics_path"] == new_path and config["operation_hooks"] is False
        started = c.post("/report").json()
    root = Path(before_root)  # ... confined to the reports root, as a chroot keeps paths
    assert Path(started["report_path"]).parent == root.joinpath(*Path(new_path).parts[1:])
