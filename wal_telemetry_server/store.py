"""SQLite storage of telemetry samples, settings and report states.

One writer connection appends under a lock; readers (at most `CONCURRENT_READS` at once) borrow
connections from a small pool and read inside one transaction, so with WAL journaling a reader
sees a consistent snapshot while the writer appends. An in-memory store uses one connection
behind the same lock instead.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from wal_telemetry_server import rollups
from wal_telemetry_server.model import GaugeSample, OperationSample

SCHEMA = """
CREATE TABLE IF NOT EXISTS operations (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    operation_type TEXT NOT NULL,
    backend TEXT NOT NULL,
    status TEXT NOT NULL,
    latency REAL NOT NULL,
    retries INTEGER NOT NULL DEFAULT 0
);
DROP INDEX IF EXISTS operations_ts;
-- Covers every column the time-range queries read, so they never visit the table.
CREATE INDEX IF NOT EXISTS operations_ts_covering
    ON operations (ts, operation_type, backend, status, latency, retries);
CREATE INDEX IF NOT EXISTS operations_op_backend_ts ON operations (operation_type, backend, ts);
CREATE INDEX IF NOT EXISTS operations_backend_ts ON operations (backend, ts);
CREATE INDEX IF NOT EXISTS operations_status_ts ON operations (status, ts);
CREATE TABLE IF NOT EXISTS gauges (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    name TEXT NOT NULL,
    backend TEXT NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS gauges_name_ts ON gauges (name, ts);
CREATE INDEX IF NOT EXISTS gauges_name_backend_ts ON gauges (name, backend, ts);
CREATE TABLE IF NOT EXISTS gauge_latest (
    name TEXT NOT NULL,
    backend TEXT NOT NULL,
    ts REAL NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (name, backend)
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    completed_at REAL,
    start_time REAL NOT NULL,
    end_time REAL NOT NULL,
    error TEXT,
    files TEXT NOT NULL DEFAULT '[]'
);
"""

INSERT_OPERATION = (
    "INSERT INTO operations (ts, operation_type, backend, status, latency, retries)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
INSERT_GAUGE = "INSERT INTO gauges (ts, name, backend, value) VALUES (?, ?, ?, ?)"
UPSERT_LATEST = (
    "INSERT INTO gauge_latest (name, backend, ts, value) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (name, backend) DO UPDATE SET ts = excluded.ts, value = excluded.value"
    " WHERE excluded.ts >= gauge_latest.ts"
)
PRUNE_BATCH = 20_000
BULK_CHUNK = 100_000
MAX_IDLE_READERS = 8
CONCURRENT_READS = 2
"""Reads that run at once; more wait their turn. Each sqlite3 row re-takes the GIL, so dozens of
reading threads mostly fight over it: two keep both cores busy without the convoy."""


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A report's stored state."""

    report_id: str
    status: str
    created_at: float
    completed_at: float | None
    start_time: float
    end_time: float
    error: str | None
    files: list[str]


class TelemetryStore:
    """Telemetry samples, settings and report states in one SQLite database (file or `:memory:`)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        self._lock = threading.RLock()
        self._pool_lock = threading.Lock()
        self._read_slots = threading.BoundedSemaphore(CONCURRENT_READS)
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        if self.in_memory:
            uri = f"file:wal-telemetry-{uuid.uuid4().hex}?mode=memory"
            self._writer = self._connect(uri, uri=True)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._writer = self._connect(self.path)
            self._writer.execute("PRAGMA journal_mode=WAL")
            self._writer.execute("PRAGMA synchronous=NORMAL")
        self._writer.executescript(SCHEMA)
        rollups.prepare(self._writer)
        if rollups.needs_rebuild(self._writer):
            with self._writing() as conn:
                rollups.rebuild(conn)

    @staticmethod
    def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    # -- reading -------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection holding one read transaction: every query inside sees the same snapshot."""
        if self.in_memory:
            with self._lock:
                yield self._writer
            return
        with self._read_slots:
            conn = self._borrow()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    conn.execute("COMMIT")
            except BaseException:
                self._discard(conn)
                raise
            self._give_back(conn)

    def _borrow(self) -> sqlite3.Connection:
        with self._pool_lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the store is closed")
            if self._idle:
                return self._idle.pop()
        conn = self._connect(self.path)
        conn.execute("PRAGMA query_only=ON")
        return conn

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._pool_lock:
            if not self._closed and len(self._idle) < MAX_IDLE_READERS:
                self._idle.append(conn)
                return
        conn.close()

    @staticmethod
    def _discard(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        conn.close()

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the store is closed")
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")

    def record(
        self,
        operations: Iterable[OperationSample] = (),
        gauges: Sequence[GaugeSample] = (),
    ) -> int:
        """Append samples in one transaction; returns how many operation samples were written."""
        op_rows = [
            (s.timestamp, s.operation_type, s.backend, s.status, s.latency, s.retries)
            for s in operations
        ]
        gauge_rows = [(g.timestamp, g.name, g.backend, g.value) for g in gauges]
        if not op_rows and not gauge_rows:
            return 0
        latest: dict[tuple[str, str], tuple[float, float]] = {}
        for g in gauges:
            key = (g.name, g.backend)
            if key not in latest or g.timestamp >= latest[key][0]:
                latest[key] = (g.timestamp, g.value)
        with self._writing() as conn:
            if op_rows:
                conn.executemany(INSERT_OPERATION, op_rows)
                rollups.write(conn, op_rows)
            if gauge_rows:
                conn.executemany(INSERT_GAUGE, gauge_rows)
                conn.executemany(
                    UPSERT_LATEST, [(n, b, ts, v) for (n, b), (ts, v) in latest.items()]
                )
        return len(op_rows)

    def bulk_record(
        self, operations: Iterable[OperationSample], gauges: Iterable[GaugeSample] = ()
    ) -> int:
        """Append a large stream of samples in one transaction (seeding and benchmarks)."""
        written = 0
        latest: dict[tuple[str, str], tuple[float, float]] = {}

        def op_rows() -> Iterator[rollups.OperationRow]:
            for s in operations:
                yield (s.timestamp, s.operation_type, s.backend, s.status, s.latency, s.retries)

        def gauge_rows() -> Iterator[tuple[float, str, str, float]]:
            for g in gauges:
                key = (g.name, g.backend)
                if key not in latest or g.timestamp >= latest[key][0]:
                    latest[key] = (g.timestamp, g.value)
                yield (g.timestamp, g.name, g.backend, g.value)

        with self._writing() as conn:
            rows = op_rows()
            while chunk := list(islice(rows, BULK_CHUNK)):
                conn.executemany(INSERT_OPERATION, chunk)
                rollups.write(conn, chunk)
                written += len(chunk)
            conn.executemany(INSERT_GAUGE, gauge_rows())
            conn.executemany(UPSERT_LATEST, [(n, b, ts, v) for (n, b), (ts, v) in latest.items()])
        return written

    def prune(self, before: float) -> int:
        """Delete samples older than the start of the hour `before` falls in (so every rollup
        row stays whole), in small transactions so other writes go on."""
        cut = rollups.prune_before(before)
        with self._writing() as conn:
            rollups.prune(conn, cut)
        deleted = 0
        for table in ("operations", "gauges"):
            while True:
                with self._writing() as conn:
                    cur = conn.execute(
                        f"DELETE FROM {table} WHERE id IN"
                        f" (SELECT id FROM {table} WHERE ts < ? ORDER BY ts LIMIT ?)",
                        (cut, PRUNE_BATCH),
                    )
                    count = cur.rowcount
                deleted += count
                if count < PRUNE_BATCH:
                    break
        return deleted

    def count_operations(self) -> int:
        """How many operation samples are stored."""
        with self.reading() as conn:
            row = conn.execute("SELECT COUNT(*) FROM operations").fetchone()
        return int(row[0])

    # -- settings ------------------------------------------------------------------------

    def load_settings(self) -> dict[str, Any]:
        """Every stored setting, decoded from JSON."""
        with self.reading() as conn:
            rows = conn.execute("SELECT key, value FROM settings").fetchall()
        return {str(k): json.loads(v) for k, v in rows}

    def save_settings(self, values: dict[str, Any]) -> None:
        """Store settings (JSON-encoded), replacing earlier values."""
        with self._writing() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(k, json.dumps(v)) for k, v in values.items()],
            )

    # -- reports -------------------------------------------------------------------------

    def save_report(self, row: ReportRow) -> None:
        """Insert or replace a report's state."""
        with self._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO reports"
                " (id, status, created_at, completed_at, start_time, end_time, error, files)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.report_id,
                    row.status,
                    row.created_at,
                    row.completed_at,
                    row.start_time,
                    row.end_time,
                    row.error,
                    json.dumps(row.files),
                ),
            )

    def load_report(self, report_id: str) -> ReportRow | None:
        """A report's state, or None when there is no such report."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT id, status, created_at, completed_at, start_time, end_time, error, files"
                " FROM reports WHERE id = ?",
                (report_id,),
            ).fetchone()
        if row is None:
            return None
        return ReportRow(
            report_id=row[0],
            status=row[1],
            created_at=row[2],
            completed_at=row[3],
            start_time=row[4],
            end_time=row[5],
            error=row[6],
            files=list(json.loads(row[7])),
        )

    def fail_unfinished_reports(self, reason: str) -> int:
        """Mark reports left pending or running by an earlier process as failed."""
        with self._writing() as conn:
            cur = conn.execute(
                "UPDATE reports SET status = 'failed', error = ?"
                " WHERE status IN ('pending', 'running')",
                (reason,),
            )
            return cur.rowcount

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Checkpoint the journal into the database file and close every connection."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with self._pool_lock:
                for conn in self._idle:
                    conn.close()
                self._idle.clear()
            if not self.in_memory:
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.close()

    def __enter__(self) -> TelemetryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
