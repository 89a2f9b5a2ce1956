"""`wal-telemetry-server --demo-samples N`: a demo server seeded with about N samples of history."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.__main__ import parse_args
from wal_telemetry_server.testing import RunningServer

from .conftest import API

SAMPLES = 30_000


class SeededServer(RunningServer):
    def command(self) -> list[str]:
        return [*super().command(), "--demo-samples", str(SAMPLES)]


def test_the_history_holds_about_the_asked_number_of_samples(tmp_path: Path) -> None:
    server = SeededServer(db_path=tmp_path / "big.sqlite3", demo=False)
    server.start()
    try:
        body = httpx.get(
            f"{server.url}{API}/metrics",
            params={"metric_type": "operation_latency", "aggregation": "count"},
            timeout=60,
        ).json()
    finally:
        server.stop()
    stored = sum(n for backends in body["metrics"].values() for n in backends.values())
    assert stored == pytest.approx(SAMPLES, rel=0.05)


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", "expected a whole number, got 'lots'"), ("0", "must be between 1 and")],
)
def test_a_bad_sample_count_names_the_flag(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--demo-samples", value])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "--demo-samples" in error and message in error


def test_the_sample_count_may_use_underscores() -> None:
    assert parse_args(["--demo-samples", "1_000_000"]).demo_samples == 1_000_000
