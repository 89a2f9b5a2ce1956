"""Pollers for reports the server writes in the background: `result(timeout)`, `done()`, `status()`.

Polling starts when a poller is made: `ReportPoller` in a daemon thread, `AsyncReportPoller` in
a task on the running event loop. It ends when `check` reports "complete" or "failed", raises,
or the poller is cancelled. Callbacks run on the polling thread (or task); what they raise is
logged and ignored, as with `concurrent.futures`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import CancelledError
from typing import Self, TypeVar

import attrs

from wal_telemetry_sdk.errors import WALTelemetryError

__all__ = ["AsyncReportPoller", "ReportFailedError", "ReportPoller", "ReportProgress"]

logger = logging.getLogger(__name__)
FINAL_STATES = frozenset({"complete", "failed"})
T = TypeVar("T")


@attrs.frozen
class ReportProgress:
    """Where a report is: its state ("pending", "running", "complete", "failed", or newer ones)."""

    state: str
    files: list[str] = attrs.field(factory=list, hash=False)
    detail: str | None = None


class ReportFailedError(WALTelemetryError, RuntimeError):
    """The server reported that writing the report failed."""

    def __init__(self, report_id: str, progress: ReportProgress) -> None:
        reason = f": {progress.detail}" if progress.detail else ""
        super().__init__(f"report {report_id} failed{reason}")
        self.report_id = report_id
        self.progress = progress


class _PollerBase:
    """What both pollers share: the last progress, the outcome, and the callbacks."""

    def __init__(
        self, report_id: str, interval: float, on_progress: Callable[[ReportProgress], None] | None
    ) -> None:
        if not interval > 0:
            raise ValueError(f"interval must be positive, not {interval!r}")
        self.report_id = report_id
        self._interval = interval
        self._on_progress = on_progress
        self._progress: ReportProgress | None = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Self], None]] = []
        self._lock = threading.Lock()
        self._done = threading.Event()

    @property
    def progress(self) -> ReportProgress | None:
        """The last progress seen, None before the first check."""
        return self._progress

    def status(self) -> str:
        """The last state seen: "pending" before the first check."""
        return "pending" if self._progress is None else self._progress.state

    def done(self) -> bool:
        """Whether polling has ended: the report is final, checking failed, or it was cancelled."""
        return self._done.is_set()

    def add_done_callback(self, fn: Callable[[Self], None]) -> None:
        """Call `fn(poller)` when polling ends; at once if it has ended."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(fn)
                return
        _call_safely(fn, self)

    def _observe(self, progress: ReportProgress) -> bool:
        """Record a check's answer and report a change; whether the report is final."""
        last, self._progress = self._progress, progress
        if self._on_progress is not None and (
            last is None or (last.state, last.files) != (progress.state, progress.files)
        ):
            _call_safely(self._on_progress, progress)
        return progress.state in FINAL_STATES

    def _finish(self: Self, error: BaseException | None) -> None:
        with self._lock:
            self._error = error
            self._done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            _call_safely(callback, self)

    def _cancelled(self) -> CancelledError:
        return CancelledError(f"polling for report {self.report_id} was cancelled")

    def _outcome(self, timeout: float | None) -> ReportProgress:
        if not self._done.is_set():
            raise TimeoutError(
                f"report {self.report_id} not complete after {timeout} s (state: {self.status()})"
            )
        if self._error is not None:
            raise self._error
        assert self._progress is not None  # polling ends with an error or a final progress
        if self._progress.state == "failed":
            raise ReportFailedError(self.report_id, self._progress)
        return self._progress


class ReportPoller(_PollerBase):
    """Polls `check()` every `interval` seconds in a daemon thread until the report is final.

    Thread-safe: any thread may wait on `result()` or `wait()`, or add callbacks.
    """

    def __init__(
        self,
        report_id: str,
        check: Callable[[], ReportProgress],
        *,
        interval: float = 0.5,
        on_progress: Callable[[ReportProgress], None] | None = None,
    ) -> None:
        super().__init__(report_id, interval, on_progress)
        self._check = check
        self._cancel = threading.Event()
        thread = threading.Thread(target=self._poll, name=f"report-poller-{report_id}", daemon=True)
        thread.start()

    def _poll(self) -> None:
        try:
            while not self._observe(self._check()):
                if self._cancel.wait(self._interval):
                    return self._finish(self._cancelled())
        except Exception as exc:
            return self._finish(exc)
        self._finish(None)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until polling ends or `timeout` passes; whether it has ended."""
        return self._done.wait(timeout)

    def result(self, timeout: float | None = None) -> ReportProgress:
        """The final progress of a complete report, waiting for it up to `timeout` seconds.

        Raises TimeoutError (polling goes on), ReportFailedError, CancelledError, or what
        `check` raised.
        """
        self._done.wait(timeout)
        return self._outcome(timeout)

    def cancel(self) -> None:
        """Stop polling; `result()` then raises CancelledError unless polling had ended."""
        self._cancel.set()


class AsyncReportPoller(_PollerBase):
    """Polls `await check()` in a task on the running loop; so it must be made in a coroutine."""

    def __init__(
        self,
        report_id: str,
        check: Callable[[], Awaitable[ReportProgress]],
        *,
        interval: float = 0.5,
        on_progress: Callable[[ReportProgress], None] | None = None,
    ) -> None:
        super().__init__(report_id, interval, on_progress)
        self._check = check
        import asyncio

        self._task = asyncio.get_running_loop().create_task(self._poll())

    async def _poll(self) -> None:
        import asyncio

        try:
            while not self._observe(await self._check()):
                await asyncio.sleep(self._interval)
        except asyncio.CancelledError:
            self._finish(self._cancelled())
            raise
        except Exception as exc:
            return self._finish(exc)
        self._finish(None)

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until polling ends or `timeout` passes; whether it has ended."""
        import asyncio

        await asyncio.wait({self._task}, timeout=timeout)
        return self.done()

    async def result(self, timeout: float | None = None) -> ReportProgress:
        """Async `ReportPoller.result`."""
        await self.wait(timeout)
        return self._outcome(timeout)

    def cancel(self) -> None:
        """Stop polling; `result()` then raises CancelledError unless polling had ended."""
        self._task.cancel()


def _call_safely(fn: Callable[[T], None], arg: T) -> None:
    try:
        fn(arg)
    except Exception:
        logger.exception("report poller callback %r failed", fn)
