"""Reads are bounded: however many threads ask at once, at most CONCURRENT_READS run together."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from wal_telemetry_server import store as store_module
from wal_telemetry_server.model import OperationSample
from wal_telemetry_server.store import TelemetryStore


def test_at_most_the_bound_of_readers_run_at_once(tmp_path: Path) -> None:
    with TelemetryStore(tmp_path / "t.sqlite3") as store:
        store.record([OperationSample(1e9, "add", "s3", "success", 0.1)])
        inside = 0
        most = 0
        counted = threading.Lock()
        results: list[int] = []

        def read() -> None:
            nonlocal inside, most
            with store.reading() as conn:
                with counted:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.02)  # hold the slot so that other threads pile up
                results.append(conn.execute("SELECT COUNT(*) FROM operations").fetchone()[0])
                with counted:
                    inside -= 1

        threads = [threading.Thread(target=read) for _ in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert results == [1] * 24
        assert most == store_module.CONCURRENT_READS


def test_a_failed_read_gives_its_slot_back(tmp_path: Path) -> None:
    with TelemetryStore(tmp_path / "t.sqlite3") as store:
        for _ in range(store_module.CONCURRENT_READS + 1):
            try:
                with store.reading() as conn:
                    conn.execute("SELECT * FROM no_such_table")
            except Exception as exc:
                assert "no_such_table" in str(exc)
        counts: list[int] = []
        reader = threading.Thread(target=lambda: counts.append(store.count_operations()))
        reader.start()
        reader.join(10)  # a leaked slot would keep it waiting
        assert counts == [0]
