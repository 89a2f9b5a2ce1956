"""Servers for the reference-server tests: the shared demo server and one over known data."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import RunningServer, running_server
from wal_telemetry_server.workload import seed_history

from . import known

API = "/api/v0/wal/telemetry"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_client(wal_telemetry_server: RunningServer) -> Iterator[httpx.Client]:
    """A client of the shared demo server (24 h of seeded history plus a live workload)."""
    with httpx.Client(base_url=wal_telemetry_server.url + API, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def known_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server without workload over the known data set of `known.py`."""
    db = tmp_path_factory.mktemp("known") / "known.sqlite3"
    known.write_database(db)
    with running_server(demo=False, db_path=db) as server:
        yield server


@pytest.fixture(scope="session")
def known_client(known_server: RunningServer) -> Iterator[httpx.Client]:
    """A client of the known-data server."""
    with httpx.Client(base_url=known_server.url + API, timeout=60) as client:
        yield client


def seeded_database(path: Path, hours: float = 2.0) -> Path:
    """A database with a few hours of simulated history (a demo server started on it keeps it)."""
    with TelemetryStore(path) as store:
        seed_history(store, seed=42, end=time.time(), duration=hours * 3600, rate=0.4)
    return path


@contextmanager
def small_filesystem(path: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` for the block; skips where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount_read_only(path: Path) -> None:
    """Make a `small_filesystem` read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
