"""Where a report is, without I/O: `ReportProgress`, the pollers' shared state, page parsing.

The reference server reports progress at `GET /reports/{id}`. The upstream server has no such
operation: there a report is complete once its `report.html` stops answering 404, and its files
are the page plus what the page links to.
"""

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import Self, TypeVar

import attrs

from wal_telemetry_sdk._files import FILE_NAME
from wal_telemetry_sdk.errors import APITimeoutError, ReportFailedError

logger = logging.getLogger("wal_telemetry_sdk")
FINAL_STATES = frozenset({"complete", "failed"})
REPORT_PAGE = "report.html"
REPORT_DATA = "report.json"
LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"'#?]+)["']""", re.IGNORECASE)
T = TypeVar("T")


@attrs.frozen
class ReportProgress:
    """Where a report is: its state ("pending", "running", "complete", "failed", or newer ones),
    its files so far and their URLs; a poller's `result()` is the last one, the report itself."""

    state: str
    files: list[str] = attrs.field(factory=list, hash=False)
    detail: str | None = None
    report_id: str | None = None
    urls: dict[str, str] = attrs.field(factory=dict, hash=False)


def progress_from_page(page: bytes) -> ReportProgress:
    """A complete report found through its page: the page, its data and every linked file."""
    html = page.decode("utf-8", errors="replace")
    linked = [name for name in LINK.findall(html) if FILE_NAME.fullmatch(name) and ".." not in name]
    files = list(dict.fromkeys([REPORT_PAGE, REPORT_DATA, *linked]))
    return ReportProgress(state="complete", files=files)


class PollerState:
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
            raise APITimeoutError(
                f"report {self.report_id} not complete after {timeout} s (state: {self.status()});"
                " polling stopped"
            )
        if self._error is not None:
            raise self._error
        assert self._progress is not None  # polling ends with an error or a final progress
        if self._progress.state == "failed":
            raise ReportFailedError(self.report_id, self._progress)
        return self._progress


def _call_safely(fn: Callable[[T], None], arg: T) -> None:
    try:
        fn(arg)
    except Exception:
        logger.exception("report poller callback %r failed", fn)
