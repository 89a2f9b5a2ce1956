"""A full disk: 507 and nothing half-applied, reports end `failed` with the reason, no leftovers.

The end-to-end test runs a real server on a 2 MB tmpfs (skipped where mounting is not allowed);
the fault-injecting tests below give the store and the report files real SQLITE_FULL and ENOSPC
errors in-process and always run.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk.chart_design import ChartModel
from wal_telemetry_server import reports as reports_module
from wal_telemetry_server.config import ConfigManager, TelemetryConfig
from wal_telemetry_server.faults import is_disk_full
from wal_telemetry_server.reports import ReportManager
from wal_telemetry_server.store import ReportRow, TelemetryStore
from wal_telemetry_server.testing import running_server

from .conftest import API, small_filesystem

FREE_BYTES = 32 * 1024


def fill(path: Path, leave: int = 0) -> None:
    """Write `path` until the file system is full, then give back `leave` bytes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    os.close(fd)


def terminal(client: httpx.Client, report_id: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/reports/{report_id}").json()
        if status["status"] in ("complete", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"report {report_id} still {status['status']} after {timeout} s")


def test_a_server_on_a_full_disk(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "disk", "2m") as disk:
        db = disk / "t.sqlite3"
        with (
            running_server(demo=False, db_path=db) as server,
            httpx.Client(base_url=server.url + API, timeout=60) as client,
        ):
            folder = Path(client.get("/config").json()["config"]["metrics_path"])
            fill(disk / "filler", leave=FREE_BYTES)
            started = [client.post("/report", data={"start_time": 0, "end_time": 60})]
            started.append(client.post("/report", data={"start_time": 0, "end_time": 60}))
            assert {r.status_code for r in started} <= {200, 507}
            finals = [terminal(client, r.json()["report_id"]) for r in started if r.is_success]
            for final in finals:
                if final["status"] == "failed":
                    assert "disk is full" in final["error"], final
            fill(disk / "filler2")  # now nothing is left at all
            for days in (11, 12, 13):
                response = client.post("/config", json={"retention_days": days})
                assert response.status_code in (200, 507), response.text
                shown = client.get("/config").json()["config"]["retention_days"]
                if response.status_code == 507:
                    assert "disk is full" in response.json()["detail"]
                    assert shown != days  # refused means not applied
                else:
                    assert shown == days
            refused = client.post("/report")
            assert refused.status_code == 507, refused.text
            assert any(f["status"] == "failed" for f in finals) or any(
                r.status_code == 507 for r in started
            )
            complete = {f["report_id"] for f in finals if f["status"] == "complete"}
            assert {p.name for p in folder.iterdir()} == complete  # no empty or partial folders
            shown_before_restart = client.get("/config").json()["config"]
            (disk / "filler").unlink()
            (disk / "filler2").unlink()
            assert client.post("/config", json={"sampling_interval": 30}).status_code == 200
            server.restart()
            after = client.get(server.url + API + "/config").json()["config"]
        assert after == {**shown_before_restart, "sampling_interval": 30}


# -- fault injection: real SQLITE_FULL and ENOSPC errors, in-process ------------------------


def sqlite_full() -> sqlite3.OperationalError:
    """A genuine SQLITE_FULL, from a database capped at two pages."""
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA max_page_count = 2")
    conn.execute("CREATE TABLE t (x BLOB)")
    try:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("no SQLITE_FULL")


class FullStore(TelemetryStore):
    """A store whose writes of settings and of final report states meet a full disk."""

    full = False

    def save_settings(self, values: dict[str, Any]) -> None:
        if self.full:
            raise sqlite_full()
        super().save_settings(values)

    def save_report(self, row: ReportRow) -> None:
        if self.full and row.status in ("complete", "failed"):
            raise sqlite_full()
        super().save_report(row)


class InstantRenderer:
    """Charts without worker processes: the renderer is not what these tests are about."""

    def submit(self, spec: ChartModel, width: int, height: int, **_: Any) -> Future[bytes]:
        future: Future[bytes] = Future()
        future.set_result(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        return future


def test_the_injected_errors_read_as_a_full_disk() -> None:
    assert is_disk_full(sqlite_full())
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_settings_that_cannot_be_stored_are_not_applied() -> None:
    with FullStore() as store:
        config = ConfigManager(store, TelemetryConfig("/r"))
        config.update({"retention_days": 7})
        store.full = True
        with pytest.raises(sqlite3.OperationalError) as raised:
            config.update({"retention_days": 9, "sampling_interval": 5})
        assert is_disk_full(raised.value)
        assert (config.current.retention_days, config.current.sampling_interval) == (7, 60)
        store.full = False
        assert ConfigManager(store, TelemetryConfig("/r")).current.retention_days == 7


def manager(store: TelemetryStore, folder: Path) -> ReportManager:
    config = ConfigManager(store, TelemetryConfig(str(folder)))
    return ReportManager(store, config, InstantRenderer(), folder)  # type: ignore[arg-type]


def wait_final(reports: ReportManager, report_id: str) -> ReportRow:
    deadline = time.monotonic() + 30
    while (row := reports.status(report_id)).status not in ("complete", "failed"):
        assert time.monotonic() < deadline, row
        time.sleep(0.02)
    return row


def test_a_report_whose_files_cannot_be_written_fails_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []

    def write_until_full(path: Path, data: bytes) -> None:
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path.name)
        path.write_bytes(data)

    monkeypatch.setattr(reports_module, "_write_atomic", write_until_full)
    with TelemetryStore() as store:
        reports = manager(store, tmp_path)
        try:
            first = reports.start(0, 60)
            second = reports.start(0, 60)  # queued behind the first
            failed = wait_final(reports, first.report_id)
            assert failed.status == "failed" and "disk is full" in (failed.error or "")
            assert not (tmp_path / first.report_id).exists()
            assert wait_final(reports, second.report_id).status == "failed"  # never left pending
            assert list(tmp_path.iterdir()) == []
        finally:
            reports.close()


def test_a_final_state_the_store_cannot_take_is_still_reported(tmp_path: Path) -> None:
    with FullStore() as store:
        reports = manager(store, tmp_path)
        try:
            store.full = True
            row = reports.start(0, 60)
            final = wait_final(reports, row.report_id)
            assert final.status == "complete"  # answered from memory
            stored = store.load_report(row.report_id)
            assert stored is not None and stored.status == "running"
            store.full = False
            reports.prune()  # the next pass stores it
            stored = store.load_report(row.report_id)
            assert stored is not None and stored.status == "complete"
        finally:
            reports.close()
