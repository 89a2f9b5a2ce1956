"""A monitor never passes old numbers off as live: each tick says whether it is fresh."""

import time
from typing import Any

import pytest

from tests.clients import Kind, make_client, make_monitor
from wal_telemetry_sdk import MonitorTick

from .test_monitor import Clocked


def run_ticks(kind: Kind, fetch: Clocked, last: int, *, classic: bool = False, **options: Any):
    """A monitor every 10 ms until tick `last` (counted, not timed); what its callback saw.

    The callback takes the tick as a third argument, or only `(reading, iteration)` if `classic`.
    """
    seen: list[tuple[Any, Any]] = []

    def with_tick(reading: Any, iteration: int, tick: MonitorTick) -> None:
        seen.append((reading, tick))
        if iteration >= last:
            monitor.stop()

    def without_tick(reading: Any, iteration: int) -> None:
        seen.append((reading, iteration))
        if iteration >= last:
            monitor.stop()

    monitor = make_monitor(
        kind, fetch, without_tick if classic else with_tick, interval=0.01, **options
    )
    monitor.run()
    return monitor, seen


def test_a_three_argument_callback_sees_every_tick_with_its_freshness(client_kind: Kind) -> None:
    fetch = Clocked(fail_on=(2, 3, 4))
    errors: list[int] = []
    before = time.time()
    monitor, seen = run_ticks(
        client_kind, fetch, 6, on_error=lambda exc, iteration: errors.append(iteration)
    )

    assert [tick.iteration for _, tick in seen] == [0, 1, 2, 3, 4, 5, 6]
    assert [tick.fresh for _, tick in seen] == [True, True, False, False, False, True, True]
    assert [tick.errors_since_good for _, tick in seen] == [0, 0, 1, 2, 3, 0, 0]
    assert errors == [2, 3, 4]
    # a stale tick hands on the last good reading, stamped when it was read
    assert [reading for reading, _ in seen[1:5]] == [{"n": 1}] * 4
    good_at = seen[1][1].last_good_at
    assert good_at is not None and before <= good_at <= time.time()
    assert all(tick.last_good_at == good_at for _, tick in seen[2:5])
    assert isinstance(seen[3][1].error, ConnectionError) and seen[5][1].error is None
    assert seen[5][1].last_good_at > good_at
    assert monitor.fresh and monitor.errors_since_good == 0


def test_stale_ticks_before_any_good_reading_hand_on_none(client_kind: Kind) -> None:
    monitor, seen = run_ticks(
        client_kind, Clocked(fail_on=(0, 1, 2)), 2, on_error=lambda exc, iteration: None
    )
    assert [(reading, tick.last_good_at, tick.fresh) for reading, tick in seen] == [
        (None, None, False)
    ] * 3
    assert not monitor.fresh and monitor.errors_since_good == 3 and monitor.last_good_at is None


def test_the_classic_two_argument_callback_still_sees_only_fresh_readings(
    client_kind: Kind,
) -> None:
    monitor, seen = run_ticks(
        client_kind, Clocked(fail_on=(1,)), 2, classic=True, on_error=lambda exc, iteration: None
    )
    assert seen == [({"n": 0}, 0), ({"n": 2}, 2)]
    assert monitor.fresh and monitor.last_good_at is not None


def test_monitor_realtime_checks_alert_rules_before_the_first_request(client_kind: Kind) -> None:
    # Nothing listens on port 9: a request would fail and be handed to on_error.
    attempts: list[int] = []
    client = make_client(client_kind, "http://127.0.0.1:9", max_retries=0)
    with client, pytest.raises(ValueError, match="alert rule"):
        client.monitor_realtime(
            lambda metrics, iteration: None,
            interval=0.01,
            duration=0.03,
            on_error=lambda error, iteration: attempts.append(iteration),
            alerts=["latency >> x"],
        )
    assert attempts == []
