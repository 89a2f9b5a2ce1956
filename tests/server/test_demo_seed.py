"""The demo's `--seed` gives the same figures on every run, whatever the time of day."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from wal_telemetry_server.demo import SEEDED_DAYS, seed_database

DAY = 86_400.0


def history(path: Path, end: float) -> list[tuple[object, ...]]:
    """Every operation relative to the end of the history, as the demo's figures see them."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT ts, operation_type, backend, status, latency FROM operations ORDER BY ts, rowid"
        ).fetchall()
    return [(round(ts - end, 3), *rest) for ts, *rest in rows]


def test_one_seed_gives_the_same_day_at_any_hour(tmp_path: Path) -> None:
    morning, evening = 1_796_000_000.0, 1_796_000_000.0 + 9.5 * 3600 + 17
    seed_database(tmp_path / "a.sqlite3", seed=7, end=morning)
    seed_database(tmp_path / "b.sqlite3", seed=7, end=evening)
    seed_database(tmp_path / "c.sqlite3", seed=8, end=morning)
    first = history(tmp_path / "a.sqlite3", morning)
    assert len(first) > 10_000
    assert first == history(tmp_path / "b.sqlite3", evening)
    assert first != history(tmp_path / "c.sqlite3", morning)
    assert -SEEDED_DAYS * DAY <= first[0][0] < -(SEEDED_DAYS - 1) * DAY and first[-1][0] < 0
