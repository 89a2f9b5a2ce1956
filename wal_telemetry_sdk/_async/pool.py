"""An async transport whose connection pool costs O(1) per request, for many concurrent calls.

httpcore's `AsyncConnectionPool` rescans every connection (and, through a quirk in its idle
count, every pair of connections) whenever a request starts or ends, and asks each idle socket
for its state through anyio's attribute lookup. With a few dozen tasks on one client that
bookkeeping costs more CPU than the HTTP exchange itself. Here idle connections wait on a stack
and callers in a FIFO of futures, so taking and returning a connection is O(1). The
connections themselves are httpcore's `AsyncHTTPConnection` (HTTP/1.1), whose per-request
state lock is left out once connected: the pool lends a connection to one request at a time.
"""

import asyncio
import collections
import contextlib
import weakref
from collections.abc import AsyncIterator, Iterator

import httpcore
import httpx

# httpcore's exceptions and their httpx counterparts; the most specific class wins.
HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.ProtocolError: httpx.ProtocolError,
}

Connection = httpcore.AsyncHTTPConnection
# What a waiting caller is handed: an idle connection, or None for a free slot to open one in.
Handover = Connection | None


@contextlib.contextmanager
def as_httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as the matching httpx ones, as httpx's own transport does."""
    try:
        yield
    except Exception as error:
        for kind in type(error).__mro__:
            if kind in HTTPX_ERRORS:
                raise HTTPX_ERRORS[kind](str(error)) from error
        raise


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over at most `max_connections` kept-alive connections; asyncio only."""

    def __init__(
        self,
        *,
        verify: bool,
        max_connections: int,
        keepalive_expiry: float | None = 30.0,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._ssl_context = httpx.create_ssl_context(verify=verify)
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._network_backend = network_backend
        self._connections: weakref.WeakSet[Connection] = weakref.WeakSet()
        self._idle: list[Connection] = []
        self._waiters: collections.deque[asyncio.Future[Handover]] = collections.deque()
        self._slots_taken = 0
        self._closed = False

    def set_idle_expiry(self, seconds: float) -> None:
        """Keep idle connections `seconds`: new ones, and the open ones from their next response
        on (httpcore reads the expiry when a response ends)."""
        self._keepalive_expiry = seconds
        for connection in list(self._connections):
            connection._keepalive_expiry = seconds
            if connection._connection is not None:
                connection._connection._keepalive_expiry = seconds  # type: ignore[attr-defined]

    @property
    def open_connections(self) -> int:
        """Connections open or being opened, idle or in use."""
        return self._slots_taken

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        pool_timeout = request.extensions.get("timeout", {}).get("pool")
        connection = await self._check_out(core_request.url.origin, pool_timeout)
        try:
            with as_httpx_errors():
                response = await connection.handle_async_request(core_request)
        except BaseException:
            await self._check_in(connection)
            raise
        _unlocked(connection)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=PooledStream(self, connection, response),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        self._closed = True
        while self._waiters:
            self._waiters.popleft().cancel()
        while self._idle:
            await self._idle.pop().aclose()
            self._slots_taken -= 1

    async def _check_out(self, origin: httpcore.Origin, timeout: float | None) -> Connection:
        if self._closed:
            raise RuntimeError("The transport is closed.")
        while self._idle:
            connection = self._idle.pop()
            if connection.can_handle_request(origin) and not connection.has_expired():
                return connection
            await self._drop(connection, pass_slot=False)
        if self._slots_taken < self._max_connections:
            self._slots_taken += 1
            return self._new_connection(origin)
        handed = await self._wait(timeout)
        if handed is not None and handed.can_handle_request(origin):
            return handed
        if handed is not None:
            await handed.aclose()  # another origin's connection: reuse its slot instead
        return self._new_connection(origin)

    async def _wait(self, timeout: float | None) -> Handover:
        future: asyncio.Future[Handover] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            async with asyncio.timeout(timeout):
                return await future
        except BaseException as error:
            if future.done() and not future.cancelled():
                await self._give_back(future.result())
            if isinstance(error, TimeoutError):
                raise httpx.PoolTimeout("No connection became free in time.") from error
            raise

    async def _check_in(self, connection: Connection) -> None:
        """Return a connection after its response; a closed one frees its slot instead."""
        if self._closed or connection.is_closed() or not connection.is_idle():
            await self._drop(connection, pass_slot=True)
        else:
            await self._give_back(connection)

    async def _give_back(self, handed: Handover) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(handed)
                return
        if handed is None:
            self._slots_taken -= 1
        else:
            self._idle.append(handed)

    async def _drop(self, connection: Connection, *, pass_slot: bool) -> None:
        await connection.aclose()
        if pass_slot and not self._closed:
            await self._give_back(None)
        else:
            self._slots_taken -= 1

    def _new_connection(self, origin: httpcore.Origin) -> Connection:
        connection = Connection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._network_backend,
        )
        self._connections.add(connection)
        return connection


class _Uncontended:
    """A lock that never waits, for a connection the pool lends to one request at a time."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc_info: object) -> None:
        return None


UNCONTENDED = _Uncontended()


def _unlocked(connection: Connection) -> None:
    """Give an HTTP/1.1 connection's state lock the pool's guarantee instead: httpcore's lock
    (anyio's) yields to the event loop twice per request, for a lock no one else can hold."""
    http11 = connection._connection
    if isinstance(http11, httpcore.AsyncHTTP11Connection):
        http11._state_lock = UNCONTENDED  # type: ignore[assignment]


class PooledStream(httpx.AsyncByteStream):
    """A response body that returns its connection to the pool when closed."""

    def __init__(
        self, pool: AsyncPoolTransport, connection: Connection, response: httpcore.Response
    ) -> None:
        self._pool = pool
        self._connection = connection
        self._response = response
        self._returned = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with as_httpx_errors():
            async for part in self._response.aiter_stream():
                yield part

    async def aclose(self) -> None:
        if self._returned:
            return
        self._returned = True
        try:
            with as_httpx_errors():
                await self._response.aclose()
        finally:
            await self._pool._check_in(self._connection)
