"""The served spec is the hand-maintained `openapi.yaml`, byte for byte."""

from __future__ import annotations

from importlib import resources

import httpx

from wal_telemetry_server.testing import RunningServer

from .conftest import ROOT


def test_shipped_copy_equals_the_top_level_file() -> None:
    shipped = resources.files("wal_telemetry_server").joinpath("openapi.yaml").read_bytes()
    assert shipped == (ROOT / "openapi.yaml").read_bytes()


def test_served_spec_equals_the_top_level_file(wal_telemetry_server: RunningServer) -> None:
    response = httpx.get(wal_telemetry_server.url + "/openapi.yaml", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.content == (ROOT / "openapi.yaml").read_bytes()
