"""Slow and excess connections are shed: a header-read timeout, an idle timeout, a limit."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API

REQUEST_LINE = f"GET {API}/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db: Path = tmp_path_factory.mktemp("conn") / "conn.sqlite3"
    args = ["--header-timeout", "1", "--idle-timeout", "1"]
    with running_server(demo=False, db_path=db, args=args) as server:
        yield server


def connect(server: RunningServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def answer_of(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    """What the server sends until it closes the connection (or `seconds` pass), and when."""
    started = time.monotonic()
    data = b""
    sock.settimeout(0.2)
    while time.monotonic() - started < seconds:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - started


def test_a_client_trickling_header_lines_gets_408_and_is_closed(strict: RunningServer) -> None:
    stop = threading.Event()
    with connect(strict) as sock:
        sock.sendall(REQUEST_LINE)

        def trickle() -> None:
            while not stop.wait(0.2):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    return

        thread = threading.Thread(target=trickle)
        thread.start()
        try:
            time.sleep(1.5)  # the 408 comes at 1 s; reading late must still find it, not a reset
            data, seconds = answer_of(sock, 8)
        finally:
            stop.set()
            thread.join()
    assert data.startswith(b"HTTP/1.1 408 "), data[:200]
    assert b"did not arrive within 1 s" in data
    assert seconds < 8


def test_after_a_408_the_server_drains_instead_of_resetting(strict: RunningServer) -> None:
    """A client still sending when the 408 comes must not get a reset that destroys the answer."""
    with connect(strict) as sock:
        sock.sendall(REQUEST_LINE)
        data, _ = answer_of(sock, 8)  # the 408, then the server's end-of-stream
        sock.sendall(b"X-Late: 1\r\n")  # a socket closed outright answers RST
        time.sleep(0.2)
        error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    assert data.startswith(b"HTTP/1.1 408 ")
    assert error == 0, os.strerror(error)


def test_a_connection_that_sends_nothing_is_closed(strict: RunningServer) -> None:
    with connect(strict) as sock:
        data, seconds = answer_of(sock, 8)
    assert data.startswith(b"HTTP/1.1 408 ") and seconds < 8


def test_an_idle_kept_alive_connection_is_closed(strict: RunningServer) -> None:
    with connect(strict) as sock:
        sock.sendall(REQUEST_LINE + b"\r\n")
        first, _ = answer_of(sock, 0.5)
        assert first.startswith(b"HTTP/1.1 200 ")
        rest, seconds = answer_of(sock, 4)  # the default keep-alive would take 5 s
    assert rest == b"" and seconds < 4


def test_quick_requests_are_not_affected(strict: RunningServer) -> None:
    with httpx.Client(base_url=strict.url + API, timeout=30) as client:
        for _ in range(5):
            assert client.get("/realtime").status_code == 200
            time.sleep(0.3)  # well within the idle timeout: the connection is reused


def test_connections_beyond_the_descriptor_limit_get_a_quick_503(tmp_path: Path) -> None:
    with (
        running_server(demo=False, db_path=tmp_path / "t.sqlite3", descriptor_limit=256) as server,
        ExitStack() as held,
    ):
        for _ in range(300):  # more slow clients than the server has descriptors
            sock = held.enter_context(connect(server))
            sock.sendall(REQUEST_LINE)
        response = httpx.get(server.url + API + "/realtime", timeout=10)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert "connections open" in response.json()["detail"]
        held.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the server notices the closed ones
            if httpx.get(server.url + API + "/realtime", timeout=10).status_code == 200:
                break
            time.sleep(0.2)
        assert httpx.get(server.url + API + "/realtime", timeout=10).status_code == 200
    log = server.log_path.read_text(errors="replace")
    assert "Too many open files" not in log and "EMFILE" not in log
