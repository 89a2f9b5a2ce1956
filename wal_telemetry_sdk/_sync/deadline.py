# Generated from wal_telemetry_sdk/_async/deadline.py by scripts/unasync.py: do not edit.
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


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends at the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Connections opened by `inner`, bounded by the call's deadline from the first byte."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        wait = bounded(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
