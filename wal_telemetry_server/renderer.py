"""A pool of worker processes that render charts, so drawing never holds the server's GIL."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from wal_telemetry_server.charts import ChartSpec, init_worker, render_png, warm_up


class ChartRenderer:
    """Renders `ChartSpec`s to PNG in `workers` spawned processes; restarts a broken pool once."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart renderer is closed")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=init_worker,
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def warm_up(self) -> None:
        """Start the workers now so the first chart does not wait for matplotlib to load."""
        pool = self._executor()
        for _ in range(self.workers):
            pool.submit(warm_up)

    def submit(self, spec: ChartSpec, width: int, height: int) -> Future[bytes]:
        """Queue a chart; the future gives its PNG bytes."""
        pool = self._executor()
        try:
            return pool.submit(render_png, spec, width, height)
        except BrokenProcessPool:
            self._discard(pool)
            return self._executor().submit(render_png, spec, width, height)

    def render(self, spec: ChartSpec, width: int, height: int) -> bytes:
        """Render one chart and wait for it (from a worker thread, never the event loop)."""
        future = self.submit(spec, width, height)
        try:
            return future.result()
        except BrokenProcessPool:
            self._discard(self._executor())
            return self.submit(spec, width, height).result()

    async def render_async(self, spec: ChartSpec, width: int, height: int) -> bytes:
        """Render one chart without blocking the event loop."""
        try:
            return await asyncio.wrap_future(self.submit(spec, width, height))
        except BrokenProcessPool:
            self._discard(self._executor())
            return await asyncio.wrap_future(self.submit(spec, width, height))

    def close(self) -> None:
        """Stop the workers; charts still queued are cancelled."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
