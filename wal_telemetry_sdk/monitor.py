"""Fetching something on a fixed, drift-free schedule: a blocking or background `Monitor`,
an iterator `iter_ticks`, and their async twins `amonitor` and `aiter_ticks`.

Tick k is due at start + k * interval on a monotonic clock, so slow ticks do not push later ones
back; a tick that overruns skips the slots it missed instead of firing them in a burst. Iterations
count ticks from 0, the same numbering the callback, `on_error` and alerts see.
"""

from __future__ import annotations

import inspect
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import attrs

from wal_telemetry_sdk.alerts import AlertEvaluator

__all__ = ["Monitor", "aiter_ticks", "amonitor", "iter_ticks"]

T = TypeVar("T")
ErrorHandler = Callable[[BaseException, int], None]
logger = logging.getLogger(__name__)


@attrs.define
class _Schedule:
    """Slot arithmetic shared by the sync and async loops; times come from the caller's clock."""

    interval: float = attrs.field(validator=attrs.validators.gt(0))
    duration: float | None
    start: float
    slot: int = 0

    def next_delay(self, now: float) -> float | None:
        """Move to the first slot after `now`; seconds until it, or None once `duration` is over."""
        self.slot = max(self.slot + 1, math.floor((now - self.start) / self.interval) + 1)
        if self.duration is not None and self.slot * self.interval >= self.duration - 1e-9:
            return None
        return max(0.0, self.start + self.slot * self.interval - now)


def _report(exc: Exception, iteration: int, on_error: ErrorHandler | None, reraise: bool) -> None:
    if reraise:
        raise exc
    if on_error is None:
        logger.warning("fetch failed on iteration %d: %r", iteration, exc, exc_info=exc)
    else:
        on_error(exc, iteration)


class Monitor(Generic[T]):
    """Calls `fetch` every `interval` seconds and hands each value to `callback(value, iteration)`.

    A failing `fetch` is reported to `on_error(exc, iteration)` (logged when there is none) and
    the next tick goes ahead; with `raise_errors` it ends the run instead. Exceptions from
    `callback` and `alerts` always end the run: `run()` raises them, and `join()` re-raises them
    for a background run. KeyboardInterrupt ends `run()` quietly. A Monitor runs once; as a
    context manager it runs in the background and is stopped and joined on exit.
    """

    def __init__(
        self,
        fetch: Callable[[], T],
        callback: Callable[[T, int], None],
        *,
        interval: float = 5,
        duration: float | None = None,
        on_error: ErrorHandler | None = None,
        raise_errors: bool = False,
        alerts: AlertEvaluator | None = None,
    ) -> None:
        if not interval > 0:
            raise ValueError(f"interval must be positive, not {interval!r}")
        self._fetch, self._callback, self._alerts = fetch, callback, alerts
        self._interval, self._duration = interval, duration
        self._on_error, self._raise_errors = on_error, raise_errors
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.iterations = 0  # ticks so far, failed fetches included

    def run(self) -> None:
        """Monitor in this thread until `duration` is over, `stop()` or KeyboardInterrupt."""
        try:
            for iteration in _ticks(self._interval, self._duration, self._stopped):
                self.iterations = iteration + 1
                try:
                    value = self._fetch()
                except Exception as exc:
                    _report(exc, iteration, self._on_error, self._raise_errors)
                    continue
                self._callback(value, iteration)
                if self._alerts is not None:
                    self._alerts.evaluate(value, iteration)
        except KeyboardInterrupt:
            logger.info("monitoring interrupted after %d iterations", self.iterations)
        finally:
            self._stopped.set()

    def start(self) -> Monitor[T]:
        """Run in a daemon thread; returns self at once."""
        if self._thread is not None:
            raise RuntimeError("this Monitor has already been started")
        self._thread = threading.Thread(target=self._run_in_thread, name="telemetry-monitor")
        self._thread.daemon = True
        self._thread.start()
        return self

    def _run_in_thread(self) -> None:
        try:
            self.run()
        except BaseException as exc:
            self._error = exc

    def stop(self) -> None:
        """Ask the run to end; a run waiting for its next tick ends at once."""
        self._stopped.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for a background run; True once it has ended. Re-raises what ended it."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return True

    @property
    def running(self) -> bool:
        """Whether a background run is going on."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Monitor[T]:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        self.join()


def _ticks(interval: float, duration: float | None, stopped: threading.Event) -> Iterator[int]:
    """Yield iteration numbers on schedule, sleeping on `stopped` so a stop wakes the loop."""
    schedule = _Schedule(interval, duration, time.monotonic())
    iteration = 0
    while not stopped.is_set():
        yield iteration
        iteration += 1
        delay = schedule.next_delay(time.monotonic())
        if delay is None or stopped.wait(delay):
            return


def iter_ticks(
    fetch: Callable[[], T],
    interval: float,
    duration: float | None = None,
    *,
    on_error: ErrorHandler | None = None,
) -> Iterator[T]:
    """Yield `fetch()` on the monitor's schedule; stop by leaving the loop.

    An exception from `fetch` ends the iteration, unless `on_error` is given: then it gets the
    exception and that tick yields nothing.
    """
    for iteration in _ticks(interval, duration, threading.Event()):
        try:
            value = fetch()
        except Exception as exc:
            _report(exc, iteration, on_error, on_error is None)
            continue
        yield value


async def _aticks(interval: float, duration: float | None) -> AsyncIterator[int]:
    """Async `_ticks`, sleeping with `asyncio.sleep` on the event loop's clock."""
    import asyncio

    loop = asyncio.get_running_loop()
    schedule = _Schedule(interval, duration, loop.time())
    iteration = 0
    while True:
        yield iteration
        iteration += 1
        delay = schedule.next_delay(loop.time())
        if delay is None:
            return
        await asyncio.sleep(delay)


async def aiter_ticks(
    fetch: Callable[[], Awaitable[T]],
    interval: float,
    duration: float | None = None,
    *,
    on_error: ErrorHandler | None = None,
) -> AsyncIterator[T]:
    """Async `iter_ticks`: awaits `fetch()` on the event loop's monotonic clock."""
    async for iteration in _aticks(interval, duration):
        try:
            value = await fetch()
        except Exception as exc:
            _report(exc, iteration, on_error, on_error is None)
            continue
        yield value


async def amonitor(
    fetch: Callable[[], Awaitable[T]],
    callback: Callable[[T, int], Awaitable[None] | None],
    *,
    interval: float = 5,
    duration: float | None = None,
    on_error: ErrorHandler | None = None,
    raise_errors: bool = False,
    alerts: AlertEvaluator | None = None,
) -> int:
    """Async `Monitor.run`: `callback` may be sync or async; cancel the task to stop early.

    Same error policy as `Monitor`. Returns the number of iterations.
    """
    iterations = 0
    try:
        async for iteration in _aticks(interval, duration):
            iterations = iteration + 1
            try:
                value = await fetch()
            except Exception as exc:
                _report(exc, iteration, on_error, raise_errors)
                continue
            result = callback(value, iteration)
            if inspect.isawaitable(result):
                await result
            if alerts is not None:
                alerts.evaluate(value, iteration)
    except KeyboardInterrupt:
        logger.info("monitoring interrupted after %d iterations", iterations)
    return iterations
