"""Reports are deleted, files and rows together, past `retention_days` and beyond a maximum."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx

from wal_telemetry_server.testing import running_server

from .conftest import API
from .test_server_reports import wait_for

DAY = 86_400.0


def make_report(client: httpx.Client) -> str:
    started = client.post("/report", data={"start_time": 0, "end_time": 1}).json()
    report_id = str(started["report_id"])
    assert wait_for(client, report_id)["status"] == "complete"
    return report_id


def test_only_the_newest_reports_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with (
        running_server(demo=False, db_path=db, args=["--max-reports", "2"]) as server,
        httpx.Client(base_url=server.url + API, timeout=60) as client,
    ):
        made = [make_report(client) for _ in range(4)]
        folder = Path(client.get("/config").json()["config"]["metrics_path"])
        assert [client.get(f"/reports/{r}").status_code for r in made] == [404, 404, 200, 200]
    assert sorted(p.name for p in folder.iterdir()) == sorted(made[2:])


def test_reports_past_the_retention_period_are_deleted(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with (
        running_server(demo=False, db_path=db) as server,
        httpx.Client(base_url=server.url + API, timeout=60) as client,
    ):
        old, recent = make_report(client), make_report(client)
        with sqlite3.connect(db) as conn:  # as if `old` had been written 40 days ago
            conn.execute(
                "UPDATE reports SET created_at = ? WHERE id = ?", (time.time() - 40 * DAY, old)
            )
        folder = Path(client.get("/config").json()["config"]["metrics_path"])
        assert client.post("/config", json={"retention_days": 30}).status_code == 200
        deadline = time.monotonic() + 20
        while client.get(f"/reports/{old}").status_code != 404 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get(f"/reports/{old}").status_code == 404
        assert client.get(f"/reports/{recent}").json()["status"] == "complete"
    assert [p.name for p in folder.iterdir()] == [recent]
