"""Fetching something on a fixed, drift-free schedule: `AsyncMonitor` and `async_iter_ticks`.

Iterations count ticks from 0, the same numbering the callback, `on_error` and alerts see. A
monitor never shows old numbers as live: every tick knows whether its reading is fresh.
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from wal_telemetry_sdk._async.io import (
    AsyncBackground,
    AsyncCallbackResult,
    AsyncEvent,
    async_resolve,
)
from wal_telemetry_sdk._schedule import (
    ErrorHandler,
    MonitorTick,
    Schedule,
    checked_interval,
    logger,
    report_failure,
    takes_tick,
)
from wal_telemetry_sdk.alerts import AlertEvaluator

__all__ = ["AsyncMonitor", "async_iter_ticks"]

T = TypeVar("T")


class AsyncMonitor(Generic[T]):
    """Calls `fetch` every `interval` seconds and hands each value to `callback(value, iteration)`.

    A failing `fetch` is reported to `on_error(exc, iteration)` (logged when there is none) and
    the next tick goes ahead; with `raise_errors` it ends the run instead. A callback taking a
    third argument, `callback(value, iteration, tick)`, is called on every tick, failed ones
    too: then `value` is the last good reading (None before the first) and the `MonitorTick`
    says `fresh`, `last_good_at` (Unix seconds) and `errors_since_good`; the monitor's
    attributes of those names say the same between ticks. Alerts see fresh readings only.
    Exceptions from
    `callback` and `alerts` always end the run: `run()` raises them, and `join()` re-raises them
    for a background run. KeyboardInterrupt ends `run()` quietly. A monitor runs once; as a
    context manager it runs in the background and is stopped and joined on exit.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[T]],
        callback: (
            Callable[[T, int], AsyncCallbackResult]
            | Callable[[T | None, int, MonitorTick], AsyncCallbackResult]
        ),
        *,
        interval: float = 5,
        duration: float | None = None,
        on_error: ErrorHandler | None = None,
        raise_errors: bool = False,
        alerts: AlertEvaluator | None = None,
    ) -> None:
        self._fetch, self._alerts = fetch, alerts
        self._callback: Callable[..., AsyncCallbackResult] = callback
        self._every_tick = takes_tick(callback)
        self._interval, self._duration = checked_interval(interval), duration
        self._on_error, self._raise_errors = on_error, raise_errors
        self._stopped = AsyncEvent()
        self._background: AsyncBackground | None = None
        self._error: BaseException | None = None
        self.iterations = 0  # ticks so far, failed fetches included
        self.last_good_at: float | None = None  # Unix seconds of the last good reading
        self.errors_since_good = 0  # failed fetches since then
        self._last: T | None = None

    @property
    def fresh(self) -> bool:
        """Whether the latest tick's fetch succeeded (False before the first reading)."""
        return self.last_good_at is not None and self.errors_since_good == 0

    async def run(self) -> None:
        """Monitor until `duration` is over, `stop()` or KeyboardInterrupt."""
        try:
            async for iteration in async_ticks(self._interval, self._duration, self._stopped):
                self.iterations = iteration + 1
                try:
                    value = await self._fetch()
                except Exception as exc:
                    self.errors_since_good += 1
                    report_failure(exc, iteration, self._on_error, self._raise_errors)
                    if self._every_tick:
                        await async_resolve(self._callback(self._last, iteration, self._tick(exc)))
                    continue
                self._last, self.last_good_at, self.errors_since_good = value, time.time(), 0
                arguments: tuple[Any, ...] = (self._tick(None),) if self._every_tick else ()
                await async_resolve(self._callback(value, iteration, *arguments))
                if self._alerts is not None:
                    self._alerts.evaluate(value, iteration)
        except KeyboardInterrupt:
            logger.info("monitoring interrupted after %d iterations", self.iterations)
        finally:
            self._stopped.set()

    def _tick(self, error: BaseException | None) -> MonitorTick:
        fresh = error is None
        return MonitorTick(
            self.iterations - 1, fresh, self.last_good_at, self.errors_since_good, error
        )

    def start(self) -> Self:
        """Run in the background; returns self at once."""
        if self._background is not None:
            raise RuntimeError("this monitor has already been started")
        self._background = AsyncBackground(self._run_in_background, name="telemetry-monitor")
        return self

    async def _run_in_background(self) -> None:
        try:
            await self.run()
        except Exception as exc:
            self._error = exc

    def stop(self) -> None:
        """Ask the run to end; a run waiting for its next tick ends at once."""
        self._stopped.set()

    async def join(self, timeout: float | None = None) -> bool:
        """Wait for a background run; True once it has ended. Re-raises what ended it."""
        if self._background is not None and not await self._background.join(timeout):
            return False
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return True

    @property
    def running(self) -> bool:
        """Whether a background run is going on."""
        return self._background is not None and self._background.alive()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        await self.join()


async def async_ticks(
    interval: float, duration: float | None, stopped: AsyncEvent
) -> AsyncIterator[int]:
    """Yield iteration numbers on schedule, waiting on `stopped` so a stop wakes the loop."""
    schedule = Schedule(checked_interval(interval), duration, time.monotonic())
    iteration = 0
    while not stopped.is_set():
        yield iteration
        iteration += 1
        delay = schedule.next_delay(time.monotonic())
        if delay is None or await stopped.wait(delay):
            return


async def async_iter_ticks(
    fetch: Callable[[], Awaitable[T]],
    interval: float,
    duration: float | None = None,
    *,
    on_error: ErrorHandler | None = None,
) -> AsyncIterator[T]:
    """Yield `fetch()` on the monitor's schedule; stop by leaving the loop.

    An exception from `fetch` ends the iteration, unless `on_error` is given: then it gets the
    exception and that tick yields nothing.
    """
    async for iteration in async_ticks(interval, duration, AsyncEvent()):
        try:
            value = await fetch()
        except Exception as exc:
            report_failure(exc, iteration, on_error, on_error is None)
            continue
        yield value
