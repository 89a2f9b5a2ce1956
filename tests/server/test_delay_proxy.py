"""The benchmarks' delay proxy: bytes pass unchanged, a new connection costs two round trips."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from .proxy import load_proxy

RTT = 0.1


class Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address  # type: ignore[misc]
    server.shutdown()
    server.server_close()


def exchange(sock: socket.socket, payload: bytes) -> tuple[bytes, float]:
    started = time.monotonic()
    sock.sendall(payload)
    received = b""
    while len(received) < len(payload):
        chunk = sock.recv(1 << 20)
        assert chunk, "the proxy closed the connection"
        received += chunk
    return received, time.monotonic() - started


def test_bytes_pass_unchanged_and_each_round_trip_pays_the_delay(echo: tuple[str, int]) -> None:
    proxy_module = load_proxy()
    with proxy_module.DelayProxy(*echo, RTT) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            first, first_seconds = exchange(sock, b"hello")
            payload = bytes(range(256)) * 4096  # 1 MiB, more than one chunk
            second, second_seconds = exchange(sock, payload)
        assert first == b"hello" and second == payload
        assert first_seconds >= 2 * RTT  # handshake, then the request and its answer
        assert second_seconds >= RTT
        assert proxy.accepted == 1


def test_stop_closes_open_connections(echo: tuple[str, int]) -> None:
    proxy = load_proxy().DelayProxy(*echo, 0.0).start()
    sock = socket.create_connection(("127.0.0.1", proxy.port))
    try:
        assert exchange(sock, b"x")[0] == b"x"
        proxy.stop()
        sock.settimeout(5)
        assert sock.recv(10) == b""
    finally:
        sock.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2).close()


def test_connections_beyond_the_limit_are_closed(echo: tuple[str, int]) -> None:
    with load_proxy().DelayProxy(*echo, 0.0, max_connections=1) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port)) as kept:
            assert exchange(kept, b"a")[0] == b"a"
            with socket.create_connection(("127.0.0.1", proxy.port)) as refused:
                refused.settimeout(5)
                assert refused.recv(10) == b""
        assert proxy.accepted == 1


def test_a_negative_rtt_is_refused(echo: tuple[str, int]) -> None:
    with pytest.raises(ValueError, match="rtt must be at least 0"):
        load_proxy().DelayProxy(*echo, -1.0)
