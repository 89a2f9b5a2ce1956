"""One client shared by many threads or tasks: no errors, one pool, bounded connections."""

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
from wal_telemetry_sdk._async.pool import AsyncPoolTransport
from wal_telemetry_sdk._request_policy import MAX_CONNECTIONS
from wal_telemetry_server.testing import RunningServer


def test_sixteen_threads_share_one_client_without_errors(
    wal_telemetry_server: RunningServer,
) -> None:
    threads, calls = 16, 200
    built: list[httpx.Client] = []
    original_init = httpx.Client.__init__

    def counting_init(self: httpx.Client, *args: object, **kwargs: object) -> None:
        built.append(self)
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]

    errors: list[BaseException] = []
    client = WALTelemetryClient(wal_telemetry_server.url)
    pool = client._transport.inner._pool  # type: ignore[attr-defined]
    largest_pool = 0
    start = threading.Barrier(threads)

    def work() -> int:
        nonlocal largest_pool
        start.wait()
        done = 0
        for _ in range(calls):
            try:
                metrics = client.get_realtime_metrics()
                done += metrics.success
            except Exception as error:
                errors.append(error)
            largest_pool = max(largest_pool, len(pool.connections))
        return done

    with pytest.MonkeyPatch.context() as patch, client:
        patch.setattr(httpx.Client, "__init__", counting_init)
        with ThreadPoolExecutor(threads) as executor:
            results = list(executor.map(lambda _: work(), range(threads)))
    assert errors == []
    assert sum(results) == threads * calls
    assert built == []  # every call went through the client's one httpx.Client
    assert 1 <= largest_pool <= MAX_CONNECTIONS


async def test_sixty_four_tasks_share_one_async_client(wal_telemetry_server: RunningServer) -> None:
    tasks, calls = 64, 20
    async with AsyncWALTelemetryClient(wal_telemetry_server.url) as client:
        pool = client._transport.inner
        assert isinstance(pool, AsyncPoolTransport)
        largest = 0

        async def work() -> int:
            nonlocal largest
            done = 0
            for _ in range(calls):
                done += (await client.get_realtime_metrics()).success
                largest = max(largest, pool.open_connections)
            return done

        results = await asyncio.gather(*(work() for _ in range(tasks)))
        assert sum(results) == tasks * calls
        assert 1 <= largest <= MAX_CONNECTIONS
        assert not pool._waiters and len(pool._idle) == pool.open_connections


async def test_cancelled_callers_give_their_connections_back(
    wal_telemetry_server: RunningServer,
) -> None:
    async with AsyncWALTelemetryClient(wal_telemetry_server.url) as client:
        pool = client._transport.inner
        assert isinstance(pool, AsyncPoolTransport)

        async def forever() -> None:
            while True:
                await client.get_config()

        workers = [asyncio.create_task(forever()) for _ in range(48)]
        await asyncio.sleep(0.5)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        assert pool.open_connections <= MAX_CONNECTIONS
        assert len(pool._idle) == pool.open_connections  # nothing is left checked out
        assert (await client.get_config()).success


@contextlib.asynccontextmanager
async def closing_server() -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback HTTP/1.1 server that closes every connection after one response."""
    connections: list[int] = []
    body = b'{"success": true, "config": {"retention_days": 30}}'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
            + f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", connections


async def test_connections_the_server_closes_are_replaced() -> None:
    async with closing_server() as (url, connections), AsyncWALTelemetryClient(url) as client:
        pool = client._transport.inner
        assert isinstance(pool, AsyncPoolTransport)
        results = await asyncio.gather(*(client.get_config() for _ in range(40)))
        assert all(result.config.retention_days == 30 for result in results)
        assert len(connections) == 40
        assert pool.open_connections == 0


async def test_pooled_connections_drop_httpcore_s_state_lock(
    wal_telemetry_server: RunningServer,
) -> None:
    """The pool lends a connection to one request at a time, so its lock is the no-op one; a
    renamed httpcore attribute would leave anyio's lock in place unseen."""
    from wal_telemetry_sdk._async.pool import UNCONTENDED

    async with AsyncWALTelemetryClient(wal_telemetry_server.url) as client:
        await client.get_realtime_metrics()
        pool = client._transport.inner
        assert isinstance(pool, AsyncPoolTransport) and pool._idle
        http11 = pool._idle[0]._connection
        assert http11 is not None and vars(http11)["_state_lock"] is UNCONTENDED
