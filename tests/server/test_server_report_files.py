"""Only files that a stored report lists leave the server; `metrics_path` stays inside the root."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API
from .test_server_reports import wait_for

SECRET = b'{"secret": "SECRET OUTSIDE"}'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("files") / "files.sqlite3"
    with running_server(demo=False, db_path=db) as server:
        yield server


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + API, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def report(client: httpx.Client) -> dict[str, Any]:
    """A complete report of a short empty range (its charts say "no data": quick to draw)."""
    started = client.post("/report", data={"start_time": 0, "end_time": 60}).json()
    status = wait_for(client, started["report_id"])
    assert status["status"] == "complete", status
    return {**status, "folder": Path(started["report_path"])}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.json"
    path.write_bytes(SECRET)
    return path


@pytest.mark.parametrize("requested", ["{elsewhere}", "../../{elsewhere}", "/../..{elsewhere}"])
def test_metrics_path_stays_inside_the_reports_root(
    server: RunningServer, tmp_path: Path, requested: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report_1_aa").mkdir()
    (elsewhere / "report_1_aa" / "report.json").write_bytes(SECRET)
    with httpx.Client(base_url=server.url + API, timeout=60) as c:
        root = Path(c.get("/config").json()["config"]["metrics_path"])
        response = c.post("/config", json={"metrics_path": requested.format(elsewhere=elsewhere)})
        assert response.status_code == 200
    server.restart()
    with httpx.Client(base_url=server.url + API, timeout=60) as c:
        assert c.get("/reports/report_1_aa/report.json").status_code == 404
        started = c.post("/report", data={"start_time": 0, "end_time": 1}).json()
        assert c.post("/config", json={"metrics_path": str(root)}).status_code == 200
    server.restart()
    folder = Path(started["report_path"]).parent
    assert folder == root.joinpath(*elsewhere.parts[1:])  # read relative to the root
    assert list(elsewhere.iterdir()) == [elsewhere / "report_1_aa"]  # nothing written there


def test_a_symbolic_link_out_of_the_root_is_not_followed(
    server: RunningServer, tmp_path: Path
) -> None:
    with httpx.Client(base_url=server.url + API, timeout=60) as c:
        root = Path(c.get("/config").json()["config"]["metrics_path"])
        (root / "out").symlink_to(tmp_path, target_is_directory=True)
        assert c.post("/config", json={"metrics_path": str(root / "out")}).status_code == 200
    try:
        server.restart()
        with httpx.Client(base_url=server.url + API, timeout=60) as c:
            started = c.post("/report", data={"start_time": 0, "end_time": 1}).json()
            assert Path(started["report_path"]).parent == root
            assert c.post("/config", json={"metrics_path": str(root)}).status_code == 200
        server.restart()
    finally:
        (root / "out").unlink()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_planted_among_the_reports_is_not_served(
    client: httpx.Client, report: dict[str, Any]
) -> None:
    planted = report["folder"].parent / "report_1_planted"
    planted.mkdir()
    (planted / "report.json").write_bytes(SECRET)
    try:
        assert client.get("/reports/report_1_planted/report.json").status_code == 404
        assert client.get("/reports/report_1_planted").status_code == 404
    finally:
        (planted / "report.json").unlink()
        planted.rmdir()


def test_a_file_the_report_does_not_list_is_not_served(
    client: httpx.Client, report: dict[str, Any]
) -> None:
    extra = report["folder"] / "extra.json"
    extra.write_bytes(SECRET)
    try:
        assert "extra.json" not in report["files"]
        assert client.get(f"/reports/{report['report_id']}/extra.json").status_code == 404
    finally:
        extra.unlink()


def test_a_hard_link_in_place_of_a_report_file_is_not_served(
    client: httpx.Client, report: dict[str, Any], secret: Path
) -> None:
    listed = report["folder"] / "report.json"
    original = listed.read_bytes()
    listed.unlink()
    os.link(secret, listed)
    try:
        response = client.get(f"/reports/{report['report_id']}/report.json")
        assert response.status_code == 404 and b"SECRET" not in response.content
    finally:
        listed.unlink()
        listed.write_bytes(original)
    assert client.get(f"/reports/{report['report_id']}/report.json").content == original


def test_listed_files_are_served(client: httpx.Client, report: dict[str, Any]) -> None:
    for name in report["files"]:
        response = client.get(f"/reports/{report['report_id']}/{name}")
        assert response.status_code == 200, name
        assert response.content == (report["folder"] / name).read_bytes()
    assert time.time() >= report["completed_at"]
