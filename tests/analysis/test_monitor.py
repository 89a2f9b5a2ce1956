"""Monitors of both clients: drift-free schedule, stopping, error policy, alerts, iterators."""

import asyncio
import logging
import threading
import time

import pytest

from tests.clients import Kind, make_iter_ticks, make_monitor
from wal_telemetry_sdk import AsyncMonitor
from wal_telemetry_sdk._async.monitor import async_iter_ticks
from wal_telemetry_sdk.alerts import AlertEvaluator


class Clocked:
    """A fake fetch that records when it was called and takes `work` seconds."""

    def __init__(self, work: float = 0.0, fail_on: tuple[int, ...] = (), exc=None):
        self.calls: list[float] = []
        self.work, self.fail_on = work, fail_on
        self.exc = exc or ConnectionError("server restarting")

    def __call__(self) -> dict:
        self.calls.append(time.monotonic())
        if self.work:
            time.sleep(self.work)
        if len(self.calls) - 1 in self.fail_on:
            raise self.exc
        return {"n": len(self.calls) - 1}

    def drift(self, interval: float) -> float:
        return max(abs(t - (self.calls[0] + k * interval)) for k, t in enumerate(self.calls))


def run_until(kind: Kind, last: int, fetch, then=lambda m, i: None, **options):
    """Run a monitor every 10 ms, passing ticks to `then`; its callback stops it at `last`."""

    def callback(metrics, iteration):
        then(metrics, iteration)
        if iteration >= last:
            monitor.stop()

    monitor = make_monitor(kind, fetch, callback, interval=0.01, **options)
    monitor.run()
    return monitor


def test_twenty_ticks_at_200_ms_drift_under_50_ms_although_each_fetch_takes_time(client_kind):
    fetch = Clocked(work=0.03)  # a sleep(interval) loop would be 20 * 30 ms = 600 ms late
    seen = []
    make_monitor(client_kind, fetch, lambda m, i: seen.append(i), interval=0.2, duration=4.0).run()

    assert seen == list(range(20))
    assert fetch.drift(0.2) < 0.15  # a sleep(interval) loop would be 0.6 s late


def test_an_overrunning_tick_skips_missed_slots_instead_of_bursting(client_kind):
    fetch = Clocked()
    slow = {1}

    def callback(metrics, iteration):
        if iteration in slow:
            time.sleep(0.5)

    monitor = make_monitor(client_kind, fetch, callback, interval=0.2, duration=1.5)
    monitor.run()
    slots = [(t - fetch.calls[0]) / 0.2 for t in fetch.calls]
    # tick 1 at slot 1 runs until slot 3.5: slots 2 and 3 are skipped, the next tick is slot 4
    assert slots == pytest.approx([0, 1, 4, 5, 6, 7], abs=0.25)
    assert monitor.iterations == 6


def test_stop_wakes_a_sleeping_background_monitor_at_once(client_kind):
    fetch = Clocked()
    monitor = make_monitor(client_kind, fetch, lambda m, i: None, interval=30).start()
    while not fetch.calls:
        time.sleep(0.005)
    assert monitor.running
    started = time.monotonic()
    monitor.stop()
    assert monitor.join(timeout=2)
    assert time.monotonic() - started < 1.0  # not the 30 s interval
    assert not monitor.running and monitor.iterations == 1


def test_context_manager_runs_in_the_background_and_stops_on_exit(client_kind):
    fetch = Clocked()
    with make_monitor(client_kind, fetch, lambda m, i: None, interval=0.02) as monitor:
        while monitor.iterations < 3:
            time.sleep(0.005)
    count = len(fetch.calls)
    time.sleep(0.06)
    assert len(fetch.calls) == count >= 3


def test_fetch_errors_are_reported_and_monitoring_continues(client_kind):
    fetch = Clocked(fail_on=(1, 2))
    seen, errors = [], []
    run_until(
        client_kind,
        4,
        fetch,
        lambda m, i: seen.append((m["n"], i)),
        on_error=lambda exc, i: errors.append((type(exc), i)),
    )
    assert errors == [(ConnectionError, 1), (ConnectionError, 2)]
    assert seen == [(0, 0), (3, 3), (4, 4)]


def test_fetch_errors_are_logged_without_on_error(client_kind, caplog):
    fetch = Clocked(fail_on=(0,))
    with caplog.at_level(logging.WARNING, logger="wal_telemetry_sdk.monitor"):
        run_until(client_kind, 1, fetch)
    assert "iteration 0" in caplog.text and "server restarting" in caplog.text
    assert len(fetch.calls) == 2


def test_raise_errors_reraises_the_fetch_error(client_kind):
    fetch = Clocked(fail_on=(1,))
    with pytest.raises(ConnectionError):
        make_monitor(client_kind, fetch, lambda m, i: None, interval=0.01, raise_errors=True).run()
    assert len(fetch.calls) == 2


def test_callback_errors_propagate_from_run_and_from_join(client_kind):
    def callback(metrics, iteration):
        raise ValueError("bad callback")

    with pytest.raises(ValueError, match="bad callback"):
        make_monitor(client_kind, Clocked(), callback, interval=0.01).run()
    monitor = make_monitor(client_kind, Clocked(), callback, interval=0.01).start()
    with pytest.raises(ValueError, match="bad callback"):
        monitor.join(timeout=2)


def test_keyboard_interrupt_from_fetch_ends_run_cleanly(client_kind):
    fetch = Clocked(fail_on=(2,), exc=KeyboardInterrupt())
    seen = []
    monitor = make_monitor(client_kind, fetch, lambda m, i: seen.append(i), interval=0.01)
    monitor.run()  # returns instead of raising
    assert seen == [0, 1] and monitor.iterations == 3


def test_alerts_see_each_value_after_the_callback(client_kind):
    order = []
    alerts = AlertEvaluator(
        ["n >= 2"], on_event=lambda e: order.append(("alert", e.iteration)), fields=None
    )
    run_until(client_kind, 3, Clocked(), lambda m, i: order.append(("callback", i)), alerts=alerts)
    assert order == [
        ("callback", 0),
        ("callback", 1),
        ("callback", 2),
        ("alert", 2),
        ("callback", 3),
    ]


def test_monitor_runs_once_and_checks_its_interval(client_kind):
    monitor = make_monitor(
        client_kind, Clocked(), lambda m, i: None, interval=0.01, duration=0.01
    ).start()
    monitor.join(2)
    with pytest.raises(RuntimeError):
        monitor.start()
    with pytest.raises(ValueError):
        make_monitor(client_kind, Clocked(), lambda m, i: None, interval=0)


def test_iter_ticks_yields_values_on_schedule_until_duration(client_kind):
    fetch = Clocked(work=0.01)
    values = [m["n"] for m in make_iter_ticks(client_kind, fetch, 0.1, duration=0.5)]
    assert values == [0, 1, 2, 3, 4]
    assert fetch.drift(0.1) < 0.05


def test_iter_ticks_errors_propagate_or_go_to_on_error(client_kind):
    with pytest.raises(ConnectionError):
        list(make_iter_ticks(client_kind, Clocked(fail_on=(1,)), 0.01))
    errors, values = [], []
    for m in make_iter_ticks(
        client_kind, Clocked(fail_on=(1,)), 0.01, on_error=lambda e, i: errors.append(i)
    ):
        values.append(m["n"])
        if len(values) == 3:
            break
    assert values == [0, 2, 3] and errors == [1]


def test_iter_ticks_can_be_left_early(client_kind):
    fetch = Clocked()
    for m in make_iter_ticks(client_kind, fetch, 0.01):
        if m["n"] == 2:
            break
    assert len(fetch.calls) == 3


class AsyncClocked(Clocked):
    async def __call__(self) -> dict:
        self.calls.append(asyncio.get_running_loop().time())
        await asyncio.sleep(self.work)
        if len(self.calls) - 1 in self.fail_on:
            raise self.exc
        return {"n": len(self.calls) - 1}


async def test_async_monitor_is_drift_free_with_async_callbacks_and_errors():
    fetch = AsyncClocked(work=0.02, fail_on=(3,))
    seen, errors = [], []

    async def callback(metrics, iteration):
        await asyncio.sleep(0.01)
        seen.append(iteration)

    monitor = AsyncMonitor(
        fetch, callback, interval=0.1, duration=1.0, on_error=lambda e, i: errors.append(i)
    )
    await monitor.run()
    assert monitor.iterations == 10 and seen == [0, 1, 2, 4, 5, 6, 7, 8, 9] and errors == [3]
    assert fetch.drift(0.1) < 0.05


async def test_async_monitor_sync_callback_alerts_and_keyboard_interrupt():
    fetch = AsyncClocked(fail_on=(3,), exc=KeyboardInterrupt())
    events = []
    alerts = AlertEvaluator(["n > 1"], on_event=events.append, fields=None)
    seen = []
    monitor = AsyncMonitor(fetch, lambda m, i: seen.append(i), interval=0.01, alerts=alerts)
    await monitor.run()
    assert monitor.iterations == 4 and seen == [0, 1, 2]
    assert [(e.state, e.iteration) for e in events] == [("firing", 2)]


async def test_async_monitor_raise_errors_and_cancellation():
    with pytest.raises(ConnectionError):
        await AsyncMonitor(
            AsyncClocked(fail_on=(0,)), lambda m, i: None, interval=0.01, raise_errors=True
        ).run()
    fetch = AsyncClocked()
    task = asyncio.create_task(AsyncMonitor(fetch, lambda m, i: None, interval=30).run())
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(fetch.calls) == 1


async def test_async_iter_ticks_yields_values_until_duration():
    fetch = AsyncClocked(fail_on=(1,))
    errors = []
    ticks = async_iter_ticks(fetch, 0.1, 0.5, on_error=lambda e, i: errors.append(i))
    values = [m["n"] async for m in ticks]
    assert values == [0, 2, 3, 4] and errors == [1]
    assert fetch.drift(0.1) < 0.05


def test_no_monitor_thread_is_left_behind():
    assert not [t for t in threading.enumerate() if t.name == "telemetry-monitor"]
