"""Pytest plugin: a reference server on a free loopback port for a whole test run.

Registered through the `pytest11` entry point, so any test can ask for the
`wal_telemetry_server` fixture: a seeded demo server (`--demo --seed 42`) whose `.url` is the
base URL without a trailing slash.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wal_telemetry_server.testing import RunningServer, running_server


@pytest.fixture(scope="session")
def wal_telemetry_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A demo reference server for the whole test run (`.url`, `.api_key`, `.pid`, `.db_path`)."""
    folder = tmp_path_factory.mktemp("wal-telemetry-server")
    with running_server(demo=True, seed=42, db_path=folder / "telemetry.sqlite3") as server:
        yield server
