"""The SQLite store: index range scans, WAL journaling, retention, consistent reads."""

from __future__ import annotations

import itertools
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from wal_telemetry_server.model import GaugeSample, OperationSample, Selection
from wal_telemetry_server.queries import (
    gauge_filter,
    metrics_tree,
    operation_filter,
    realtime,
)
from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.workload import seed_history


def plan(conn: sqlite3.Connection, sql: str, args: list[object]) -> str:
    rows = conn.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
    return " | ".join(str(r[-1]) for r in rows)


FILTERS = ["operation_type", "backend", "status"]


@pytest.mark.parametrize(
    "names",
    [c for n in range(len(FILTERS) + 1) for c in itertools.combinations(FILTERS, n)],
    ids=lambda names: "+".join(names) or "time-only",
)
def test_every_filtered_query_is_an_index_search(tmp_path: Path, names: tuple[str, ...]) -> None:
    with TelemetryStore(tmp_path / "t.sqlite3") as store, store.reading() as conn:
        sel = Selection(**dict.fromkeys(names, "x"), start_time=1.0, end_time=2.0)
        where, args = operation_filter(sel)
        text = plan(conn, f"SELECT ts, latency FROM operations{where} ORDER BY ts", args)
        assert re.search(r"SEARCH operations USING (COVERING )?INDEX", text), text
        gauge_where, gauge_args = gauge_filter(sel, ("health",))
        text = plan(conn, f"SELECT ts, value FROM gauges{gauge_where}", gauge_args)
        assert re.search(r"SEARCH gauges USING (COVERING )?INDEX", text), text


def test_file_store_uses_write_ahead_logging(tmp_path: Path) -> None:
    with TelemetryStore(tmp_path / "t.sqlite3") as store, store.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_retention_prunes_old_samples_only(tmp_path: Path) -> None:
    now = time.time()
    with TelemetryStore(tmp_path / "t.sqlite3") as store:
        ops = [OperationSample(now - age, "add", "s3", "success", 0.1) for age in (10, 5 * 86_400)]
        store.record(ops, [GaugeSample(now - 5 * 86_400, "health", "s3", 1.0)])
        assert store.prune(now - 86_400) == 2
        assert store.count_operations() == 1


@pytest.mark.parametrize("path", [":memory:", "file"])
def test_reads_stay_consistent_while_the_writer_appends(tmp_path: Path, path: str) -> None:
    store = TelemetryStore(tmp_path / "t.sqlite3" if path == "file" else ":memory:")
    now = time.time()
    seed_history(store, seed=3, end=now, duration=3_600, rate=1.0)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        t = now
        while not stop.is_set():
            t += 0.01
            store.record([OperationSample(t, "append", "json", "success", 0.001)] * 20)

    def read() -> None:
        try:
            while not stop.is_set():
                with store.reading() as conn:
                    count = metrics_tree(conn, "operation_count", Selection(), "sum", 60, 250_000)
                    latency = metrics_tree(
                        conn, "operation_latency", Selection(), "count", 60, 250_000
                    )
                # One snapshot: both trees count the same operations.
                assert sum(v for b in count.values() for v in b.values()) == sum(
                    v for b in latency.values() for v in b.values()
                )
                with store.reading() as conn:
                    realtime(conn, now, 60)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    store.close()
    assert errors == []


def test_seeded_history_is_deterministic(tmp_path: Path) -> None:
    def sample(seed: int) -> list[tuple[object, ...]]:
        with TelemetryStore(":memory:") as store:
            seed_history(store, seed=seed, end=1_800_000_000.0, duration=3_600)
            with store.reading() as conn:
                return conn.execute("SELECT * FROM operations ORDER BY id").fetchall()

    assert sample(5) == sample(5)
    assert sample(5) != sample(6)
