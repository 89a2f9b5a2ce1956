"""Network streams that end every connect, write and read at the call's deadline.

httpx's timeouts apply to each socket operation, so a server that trickles its headers or body
a byte at a time can hold a call for as long as it likes. Under these wrappers each operation
waits at most until `call_deadline` (see `_request_policy`), whatever the per-read timeout.
"""

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

from wal_telemetry_sdk._request_policy import time_left


def bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` capped by the call's deadline; `error` once the deadline has passed."""
    left = time_left(timeout)
    if left is not None and left <= 0:
        raise error("the call's timeout elapsed")
    return left


class AsyncDeadlineStream(httpcore.AsyncNetworkStream):
    """A connection whose every read and write ends at the call's deadline."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        return AsyncDeadlineStream(await self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    """Connections opened by `inner`, bounded by the call's deadline from the first byte."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        stream = await self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return AsyncDeadlineStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        return AsyncDeadlineStream(
            await self._inner.connect_unix_socket(path, wait, socket_options)
        )

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
