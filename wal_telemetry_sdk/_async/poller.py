"""`AsyncReportPoller`: follows a report the server writes in the background until it is final.

Polling starts when the poller is made, in the background, and ends when `check` reports
"complete" or "failed", raises, or the poller is cancelled. Callbacks run where polling runs;
what they raise is logged and ignored, as with `concurrent.futures`.
"""

from collections.abc import Awaitable, Callable

from wal_telemetry_sdk._async.io import AsyncBackground, AsyncEvent
from wal_telemetry_sdk._report_progress import PollerState, ReportProgress

__all__ = ["AsyncReportPoller"]


class AsyncReportPoller(PollerState):
    """Polls `check()` every `interval` seconds until the report is final: `result(timeout)`,
    `wait()`, `done()`, `status()`, `cancel()`; callbacks may be added from anywhere."""

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
        self._cancel = AsyncEvent()
        self._background = AsyncBackground(self._poll, name=f"report-poller-{report_id}")

    async def _poll(self) -> None:
        try:
            while not self._observe(await self._check()):
                if await self._cancel.wait(self._interval):
                    return self._finish(self._cancelled())
        except Exception as exc:
            return self._finish(exc)
        self._finish(None)

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until polling ends or `timeout` passes; whether it has ended."""
        return await self._background.join(timeout)

    async def result(self, timeout: float | None = None) -> ReportProgress:
        """The final progress of a complete report, waiting for it up to `timeout` seconds.

        Raises `APITimeoutError` (a `TimeoutError`; polling stops: use `wait()` to wait without
        giving up), `ReportFailedError`, `CancelledError`, or what `check` raised.
        """
        if not await self.wait(timeout):
            self.cancel()
        return self._outcome(timeout)

    def cancel(self) -> None:
        """Stop polling; `result()` then raises CancelledError unless polling had ended."""
        self._cancel.set()
