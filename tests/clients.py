"""Both clients behind one blocking face, so every behavioural test runs on each of them.

`make_client("sync", ...)` is a `WALTelemetryClient`. `make_client("async", ...)` is an
`AsyncWALTelemetryClient` living on an event loop in a background thread, seen through
`OnLoop`: each coroutine method is run to completion on that loop, other methods are called on
the loop's thread, and what they return (pollers, monitors, async iterators, copies of the
client) is wrapped the same way. Exceptions come through unchanged.
"""

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from types import TracebackType
from typing import Any, Literal, TypeVar

import httpx

from wal_telemetry_sdk import AsyncWALTelemetryClient, Monitor, ReportPoller, WALTelemetryClient
from wal_telemetry_sdk._async.monitor import AsyncMonitor, async_iter_ticks
from wal_telemetry_sdk._async.poller import AsyncReportPoller
from wal_telemetry_sdk._sync.monitor import iter_ticks

Kind = Literal["sync", "async"]
KINDS: tuple[Kind, ...] = ("sync", "async")
T = TypeVar("T")
WRAPPED = (AsyncWALTelemetryClient, AsyncMonitor, AsyncReportPoller)


class EventLoopThread:
    """One event loop running forever in a daemon thread; coroutines are handed to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the loop and wait for its result here.

        What the coroutine raises is carried over as it is: through the loop's future a
        `concurrent.futures.CancelledError` would become asyncio's.
        """

        async def carried() -> tuple[T | None, BaseException | None]:
            try:
                return await coroutine, None
            except BaseException as error:
                return None, error

        result, error = asyncio.run_coroutine_threadsafe(carried(), self.loop).result()
        if error is not None:
            raise error
        return result  # type: ignore[return-value]

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a plain function on the loop's thread (where tasks may be created)."""
        if threading.current_thread() is self.thread:
            return function(*args, **kwargs)
        done: Future[T] = Future()

        def invoke() -> None:
            try:
                done.set_result(function(*args, **kwargs))
            except BaseException as error:
                done.set_exception(error)

        self.loop.call_soon_threadsafe(invoke)
        return done.result()


LOOP = EventLoopThread()


class OnLoop:
    """A blocking view of an async object on `LOOP`."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.target, name)
        if inspect.iscoroutinefunction(value):
            return lambda *args, **kwargs: wrapped(LOOP.run(value(*args, **kwargs)))
        if inspect.ismethod(value):
            return lambda *args, **kwargs: wrapped(LOOP.call(value, *args, **kwargs))
        return wrapped(value)

    def __enter__(self) -> Any:
        return wrapped(LOOP.run(self.target.__aenter__()))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        LOOP.run(self.target.__aexit__(exc_type, exc, traceback))

    def __repr__(self) -> str:
        return repr(self.target)


def wrapped(value: Any) -> Any:
    """An async object behind a blocking view; anything else as it is."""
    if isinstance(value, WRAPPED):
        return OnLoop(value)
    if hasattr(value, "__anext__"):
        return blocking_iterator(value)
    return value


def blocking_iterator(iterator: Any) -> Iterator[Any]:
    """An async iterator on `LOOP`, consumed one item at a time from this thread."""
    try:
        while True:
            try:
                yield LOOP.run(iterator.__anext__())
            except StopAsyncIteration:
                return
    finally:
        LOOP.run(iterator.aclose())


def make_client(kind: Kind, *args: Any, **kwargs: Any) -> Any:
    """A client of `kind` with the given arguments, used the same way in either case."""
    if kind == "sync":
        return WALTelemetryClient(*args, **kwargs)

    async def build() -> AsyncWALTelemetryClient:
        return AsyncWALTelemetryClient(*args, **kwargs)

    return OnLoop(LOOP.run(build()))


def make_monitor(kind: Kind, fetch: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
    """A `Monitor` of `kind` around a plain `fetch` function, used the same way in either case."""
    if kind == "sync":
        return Monitor(fetch, *args, **kwargs)

    async def fetch_async() -> Any:
        return fetch()

    async def build() -> AsyncMonitor[Any]:
        return AsyncMonitor(fetch_async, *args, **kwargs)

    return OnLoop(LOOP.run(build()))


def make_iter_ticks(kind: Kind, fetch: Callable[[], Any], *args: Any, **kwargs: Any) -> Any:
    """`iter_ticks` of `kind` around a plain `fetch` function, as a blocking iterator."""
    if kind == "sync":
        return iter_ticks(fetch, *args, **kwargs)

    async def fetch_async() -> Any:
        return fetch()

    return blocking_iterator(LOOP.call(async_iter_ticks, fetch_async, *args, **kwargs))


def make_poller(kind: Kind, report_id: str, check: Callable[[], Any], **kwargs: Any) -> Any:
    """A report poller of `kind` around a plain `check` function, used the same way."""
    if kind == "sync":
        return ReportPoller(report_id, check, **kwargs)

    async def check_async() -> Any:
        return check()

    async def build() -> AsyncReportPoller:
        return AsyncReportPoller(report_id, check_async, **kwargs)

    return OnLoop(LOOP.run(build()))


def mock_http(kind: Kind, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    """An httpx client of the kind the `kind` SDK client takes, answering with `handler`."""
    transport = httpx.MockTransport(handler)
    if kind == "sync":
        return httpx.Client(transport=transport)
    return httpx.AsyncClient(transport=transport)


def close_http(http: httpx.Client | httpx.AsyncClient) -> None:
    """Close a client made by `mock_http`."""
    if isinstance(http, httpx.AsyncClient):
        LOOP.run(http.aclose())
    else:
        http.close()
