"""Worker processes that render charts, so drawing never holds the server's GIL.

The renderer keeps its own queue and hands a chart to the process pool only when a worker is
free, so a chart whose client has gone can still be dropped, a waiting chart that someone is
looking at goes before a report's, and the number of waiting charts is bounded.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from wal_telemetry_sdk.chart_design import ChartModel
from wal_telemetry_server.charts import init_worker, render_png, warm_up

MAX_WAITING_PER_WORKER = 4
"""Charts asked for over HTTP that may wait per worker; beyond that the server is busy."""


class RendererBusy(Exception):
    """Too many charts are waiting; the caller should answer 503 with `Retry-After`."""

    def __init__(self, waiting: int) -> None:
        super().__init__(f"{waiting} charts are waiting to be drawn; retry in a few seconds")
        self.waiting = waiting


@dataclass(slots=True)
class _Job:
    result: Future[bytes]
    spec: ChartModel
    width: int
    height: int
    retried: bool = False


class ChartRenderer:
    """Renders `ChartModel`s to PNG in `workers` spawned processes; restarts a broken pool."""

    def __init__(self, workers: int = 2, max_waiting: int | None = None) -> None:
        self.workers = workers
        self.max_waiting = max_waiting or MAX_WAITING_PER_WORKER * workers
        self._lock = threading.Condition()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self._interactive: deque[_Job] = deque()
        self._background: deque[_Job] = deque()
        self._busy = 0
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="wal-chart-dispatch", daemon=True
        )
        self._dispatcher.start()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
            )
        return self._pool

    def warm_up(self) -> None:
        """Start the workers now so the first chart does not wait for matplotlib to load."""
        with self._lock:
            if self._closed:
                return
            pool = self._executor()
        for _ in range(self.workers):
            pool.submit(warm_up)

    def submit(
        self, spec: ChartModel, width: int, height: int, *, background: bool = False
    ) -> Future[bytes]:
        """Queue a chart; the future gives its PNG bytes and may be cancelled until it starts.

        Charts for HTTP clients are bounded (`RendererBusy` when full); `background` ones (a
        report's, one report at a time) are not, and wait while HTTP clients' charts are queued.
        """
        job = _Job(Future(), spec, width, height)
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart renderer is closed")
            if background:
                self._background.append(job)
            else:
                waiting = sum(not j.result.cancelled() for j in self._interactive)
                if waiting >= self.max_waiting:
                    raise RendererBusy(waiting)
                self._interactive.append(job)
            self._lock.notify_all()
        return job.result

    async def render_async(self, spec: ChartModel, width: int, height: int) -> bytes:
        """Render one chart without blocking the event loop; cancelling drops it if it waits."""
        return await asyncio.wrap_future(self.submit(spec, width, height))

    def _next_job(self) -> _Job | None:
        """The next chart still wanted, HTTP clients' first (called with the lock held)."""
        for queue in (self._interactive, self._background):
            while queue:
                job = queue.popleft()
                if job.retried or job.result.set_running_or_notify_cancel():
                    return job  # (a retried job's future is running already)
        return None

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                while not self._closed and (
                    self._busy >= self.workers or not (self._interactive or self._background)
                ):
                    self._lock.wait()
                if self._closed:
                    return
                job = self._next_job()
                if job is None:
                    continue
                self._busy += 1
                self._start(job)

    def _start(self, job: _Job) -> None:
        """Hand a job to a worker (with the lock held); a broken pool is replaced once."""
        try:
            task = self._executor().submit(render_png, job.spec, job.width, job.height)
        except BrokenProcessPool:
            self._discard()
            task = self._executor().submit(render_png, job.spec, job.width, job.height)
        task.add_done_callback(lambda done: self._finished(job, done))

    def _discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _finished(self, job: _Job, task: Future[bytes]) -> None:
        with self._lock:
            self._busy -= 1
            error = task.exception() if not task.cancelled() else None
            if isinstance(error, BrokenProcessPool) and not job.retried and not self._closed:
                self._discard()  # a worker died (e.g. killed): draw it again in a fresh pool
                job.retried = True
                self._interactive.appendleft(job)
                self._lock.notify_all()
                return
            self._lock.notify_all()
        if task.cancelled():
            job.result.set_exception(RuntimeError("the chart renderer is closed"))
        elif error is not None:
            job.result.set_exception(error)
        else:
            job.result.set_result(task.result())

    def close(self) -> None:
        """Stop the workers; charts still queued are cancelled."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            queued = [*self._interactive, *self._background]
            self._interactive.clear()
            self._background.clear()
            self._lock.notify_all()
        for job in queued:
            job.result.cancel()
        self._dispatcher.join(timeout=10)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
