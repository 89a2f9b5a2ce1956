"""Report pollers of both clients: states, progress and done callbacks, timeouts, failures."""

import threading
import time
from concurrent.futures import CancelledError

import pytest

from tests.clients import Kind, make_poller
from wal_telemetry_sdk import APITimeoutError, AsyncReportPoller, ReportFailedError, ReportProgress

REPORT = "report_1795861061_-5393351763606346076"
SCRIPT = [
    ReportProgress("pending"),
    ReportProgress("pending"),
    ReportProgress("running", ["report.html"]),
    ReportProgress("running", ["report.html"]),
    ReportProgress("queued-for-charts", ["report.html"]),  # a state newer than the client
    ReportProgress("running", ["report.html", "report.json"]),
    ReportProgress("complete", ["report.html", "report.json", "operation_latency.png"]),
]


class Script:
    """A `check` that answers from a script and then repeats its last answer."""

    def __init__(self, answers):
        self.answers, self.calls = list(answers), 0
        self.called = threading.Event()

    def __call__(self):
        self.calls += 1
        self.called.set()
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


class AsyncScript(Script):
    async def __call__(self):
        return super().__call__()


def changes(script):
    """The answers a progress callback should see: each change of state or files."""
    seen = []
    for answer in script:
        if not seen or (seen[-1].state, seen[-1].files) != (answer.state, answer.files):
            seen.append(answer)
    return seen


def test_polls_until_complete_reporting_each_change(client_kind: Kind):
    progress = []
    poller = make_poller(
        client_kind, REPORT, Script(SCRIPT), interval=0.01, on_progress=progress.append
    )
    assert poller.result(timeout=5) == SCRIPT[-1]
    assert progress == changes(SCRIPT) and len(progress) == 5
    assert poller.done() and poller.status() == "complete" and poller.progress == SCRIPT[-1]


def test_polling_starts_on_construction(client_kind: Kind):
    check = Script([ReportProgress("running")])
    poller = make_poller(client_kind, REPORT, check, interval=0.01)
    assert check.called.wait(2)
    assert poller.status() == "running" and not poller.done()
    poller.cancel()


def test_wait_gives_up_on_nothing_but_a_timed_out_result_stops_polling(client_kind: Kind):
    check = Script([ReportProgress("running")])
    poller = make_poller(client_kind, REPORT, check, interval=0.01)
    assert not poller.wait(0.1) and not poller.done()  # waiting does not stop polling
    with pytest.raises(APITimeoutError, match=REPORT) as raised:
        poller.result(timeout=0.1)
    assert isinstance(raised.value, TimeoutError)
    assert poller.wait(2)  # the timed-out result stopped polling
    calls = check.calls
    time.sleep(0.1)
    assert check.calls == calls
    with pytest.raises(CancelledError, match=REPORT):
        poller.result(timeout=2)


def test_failed_report_raises_with_the_detail(client_kind: Kind):
    failed = ReportProgress("failed", [], "disk full")
    poller = make_poller(
        client_kind, REPORT, Script([ReportProgress("running"), failed]), interval=0.01
    )
    with pytest.raises(ReportFailedError, match="disk full") as caught:
        poller.result(timeout=2)
    assert caught.value.report_id == REPORT and caught.value.progress == failed
    assert poller.status() == "failed"


def test_an_error_from_check_ends_polling_and_is_raised_by_result(client_kind: Kind):
    poller = make_poller(client_kind, REPORT, Script([ConnectionError("gone")]), interval=0.01)
    assert poller.wait(2)
    with pytest.raises(ConnectionError, match="gone"):
        poller.result()


def test_done_callbacks_get_the_poller_before_and_after_it_ends(client_kind: Kind):
    gate = threading.Event()
    answers = iter([ReportProgress("running"), ReportProgress("complete", ["report.html"])])
    calls = []

    def check():
        gate.wait(2)
        return next(answers)

    poller = make_poller(client_kind, REPORT, check, interval=0.01)
    poller.add_done_callback(lambda p: calls.append(("early", p.status())))
    poller.add_done_callback(lambda p: 1 / 0)  # logged, the others still run
    poller.add_done_callback(lambda p: calls.append(("result", p.progress.files)))
    finished = threading.Event()
    poller.add_done_callback(lambda p: finished.set())
    gate.set()
    assert finished.wait(2)
    poller.add_done_callback(lambda p: calls.append(("late", p.done())))
    assert calls == [("early", "complete"), ("result", ["report.html"]), ("late", True)]


def test_a_failing_progress_callback_does_not_stop_polling(client_kind: Kind, caplog):
    def on_progress(progress):
        raise RuntimeError("bad callback")

    poller = make_poller(
        client_kind, REPORT, Script(SCRIPT), interval=0.01, on_progress=on_progress
    )
    assert poller.result(timeout=5).state == "complete"
    assert "bad callback" in caplog.text


def test_interval_must_be_positive(client_kind: Kind):
    with pytest.raises(ValueError):
        make_poller(client_kind, REPORT, Script(SCRIPT), interval=0)


async def test_async_poller_polls_until_complete():
    progress, done = [], []
    poller = AsyncReportPoller(
        REPORT, AsyncScript(SCRIPT), interval=0.01, on_progress=progress.append
    )
    poller.add_done_callback(done.append)
    assert await poller.result(timeout=5) == SCRIPT[-1]
    assert progress == changes(SCRIPT) and done == [poller]
    assert poller.done() and poller.status() == "complete"


async def test_async_poller_timeout_failure_error_and_cancel():
    running = AsyncScript([ReportProgress("running")])
    poller = AsyncReportPoller(REPORT, running, interval=0.01)
    assert await poller.wait(0.05) is False
    poller.cancel()
    with pytest.raises(CancelledError):
        await poller.result(timeout=2)

    failed = AsyncReportPoller(REPORT, AsyncScript([ReportProgress("failed")]), interval=0.01)
    with pytest.raises(ReportFailedError, match=REPORT):
        await failed.result(timeout=2)
    broken = AsyncReportPoller(REPORT, AsyncScript([OSError("reset")]), interval=0.01)
    with pytest.raises(OSError, match="reset"):
        await broken.result(timeout=2)
