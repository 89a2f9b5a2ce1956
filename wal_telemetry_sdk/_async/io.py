"""The async I/O primitives the async modules are written with; `_sync/io.py` has their twins.

These few names are all that differ between the two clients: `scripts/unasync.py` renames them
(`AsyncEvent` -> `Event`, `async_sleep` -> `sleep`, ...) and leaves everything else alone.
"""

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import ParamSpec, TypeVar

import httpx

# httpcore imports sniffio each time it creates a lock; when sniffio is missing, every request
# pays for a failed import. It is a dependency: importing it here makes its absence loud.
import sniffio  # noqa: F401

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
# What a callback may return: the async client also awaits coroutine callbacks.
AsyncCallbackResult = Awaitable[None] | None


async def async_sleep(seconds: float) -> None:
    """Wait without blocking the event loop."""
    await asyncio.sleep(seconds)


async def async_resolve(result: AsyncCallbackResult) -> None:
    """Await a callback's result when it is awaitable."""
    if inspect.isawaitable(result):
        await result


async def async_run_blocking(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run CPU-bound or blocking work in a worker thread, keeping the event loop free."""
    return await asyncio.to_thread(function, *args, **kwargs)


async def async_gather_bounded(
    fetch: Callable[[T], Awaitable[R]], items: Iterable[T], limit: int
) -> list[R]:
    """`fetch(item)` for every item, at most `limit` at a time; results in the items' order."""
    slots = asyncio.Semaphore(limit)

    async def bounded(item: T) -> R:
        async with slots:
            return await fetch(item)

    return list(await asyncio.gather(*(bounded(item) for item in items)))


def async_connection_pool(verify: bool, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The async client's own pool (O(1) per request) on asyncio's streams, its connections
    bounded by deadlines."""
    from wal_telemetry_sdk._async.deadline import AsyncDeadlineBackend
    from wal_telemetry_sdk._async.pool import AsyncPoolTransport
    from wal_telemetry_sdk._async.streams import AsyncioBackend

    return AsyncPoolTransport(
        verify=verify,
        max_connections=limits.max_connections or 16,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=AsyncDeadlineBackend(AsyncioBackend()),
    )


def set_idle_expiry(pool: httpx.AsyncBaseTransport, seconds: float) -> None:
    """Keep the pool's idle connections `seconds`, the open ones included."""
    from wal_telemetry_sdk._async.pool import AsyncPoolTransport

    if isinstance(pool, AsyncPoolTransport):
        pool.set_idle_expiry(seconds)


class AsyncEvent:
    """A flag tasks can wait on, with an optional timeout like `threading.Event.wait`."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until set or `timeout` passes; whether it is set."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        return self._event.is_set()


class AsyncBackground:
    """`run()` going on in a task of the running event loop, so it must start in a coroutine."""

    def __init__(self, run: Callable[[], Awaitable[None]], name: str) -> None:
        del name  # threads have names; tasks made from awaitables take none
        loop = asyncio.get_running_loop()
        self._task: asyncio.Future[None] = asyncio.ensure_future(run(), loop=loop)

    async def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end or `timeout` to pass; whether it has ended."""
        await asyncio.wait({self._task}, timeout=timeout)
        return self._task.done()

    def alive(self) -> bool:
        return not self._task.done()
