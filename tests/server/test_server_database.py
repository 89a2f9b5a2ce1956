"""One server per database (a lock file beside it), and start-up problems named in one line."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import running_server
from wal_telemetry_server.workload import seed_history

from .conftest import API, remount_read_only, small_filesystem
from .test_server_startup import refused

PAGE = 4096


def write_database(path: Path) -> Path:
    with TelemetryStore(path) as store:
        seed_history(store, seed=3, end=time.time(), duration=3600, rate=1.0)
    return path


def test_a_second_server_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with running_server(demo=True, db_path=db) as first:
        code, lines = refused(["--db", str(db), "--demo"])
        assert code != 0
        assert len(lines) == 1, lines
        assert f"{db}.lock" in lines[0] and f"PID {first.pid}" in lines[0], lines
        assert httpx.get(first.url + API + "/config", timeout=30).status_code == 200
        assert (db.parent / f"{db.name}.lock").read_text().split("\n")[0] == str(first.pid)
        os.kill(first.pid, signal.SIGKILL)  # a crash leaves the file, but not the lock
        deadline = time.monotonic() + 10
        while first.running and time.monotonic() < deadline:
            time.sleep(0.05)
    with running_server(demo=False, db_path=db) as second:
        assert httpx.get(second.url + API + "/config", timeout=30).status_code == 200
    assert not (db.parent / f"{db.name}.lock").exists()  # removed on a clean stop


def test_a_file_that_is_not_a_database_is_named_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    db.write_bytes(b"these are not the pages you are looking for\n" * 200)
    code, lines = refused(["--db", str(db)])
    assert code != 0
    assert len(lines) == 1, lines
    assert str(db) in lines[0] and "not an SQLite database" in lines[0], lines


def test_a_damaged_page_is_found_at_start(tmp_path: Path) -> None:
    db = write_database(tmp_path / "t.sqlite3")
    assert db.stat().st_size > 30 * PAGE
    with db.open("r+b") as f:  # overwrite two pages in the middle of the operations' b-trees
        f.seek(20 * PAGE)
        f.write(bytes(range(256)) * (2 * PAGE // 256))
    code, lines = refused(["--db", str(db)])
    assert code != 0
    assert len(lines) == 1, lines
    assert str(db) in lines[0] and "damaged" in lines[0] and "quick_check" in lines[0], lines


@pytest.fixture
def read_only_database(tmp_path: Path) -> Iterator[Path]:
    """A database on a read-only file system (root), or in a read-only folder (other users)."""
    folder = tmp_path / "ro"
    if os.geteuid() != 0:
        folder.mkdir()
        db = write_database(folder / "t.sqlite3")
        db.chmod(0o444)
        folder.chmod(0o555)
        yield db
        folder.chmod(0o755)
        return
    with small_filesystem(folder, "4m"):
        db = write_database(folder / "t.sqlite3")
        remount_read_only(folder)
        yield db


def test_a_read_only_database_is_named_in_one_line(read_only_database: Path) -> None:
    code, lines = refused(["--db", str(read_only_database)])
    assert code != 0
    assert len(lines) == 1, lines
    assert str(read_only_database) in lines[0], lines
    assert "read-only" in lines[0].lower(), lines


def test_a_healthy_database_still_starts(tmp_path: Path) -> None:
    db = write_database(tmp_path / "t.sqlite3")
    with running_server(demo=False, db_path=db) as server:
        body = httpx.get(server.url + API + "/metrics?aggregation=count", timeout=30).json()
    assert body["success"] is True
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
