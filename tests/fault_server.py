"""A hostile HTTP server on loopback, with real sockets: trickled headers and bodies, bombs, lies.

`hostile_server(fault)` serves every request with one fault and yields the base URL; trickles
send a byte (or a header line) every `TRICKLE_SECONDS` for at most `TRICKLE_LIMIT` seconds, so
nothing runs unbounded. The listener and every connection are closed on exit.
"""

import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

TRICKLE_SECONDS = 0.5
TRICKLE_LIMIT = 60.0
REALTIME = (
    Path(__file__).parent / "fixtures/responses/getRealtimeMetrics.reference.json"
).read_bytes()
BOMB_BYTES = 256 * 1024 * 1024

Fault = Callable[[socket.socket, bytes, threading.Event], None]


def head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(body: bytes, content_type: str, **headers: str) -> Fault:
    """A well-formed response whose body lies about what it is."""

    def send(connection: socket.socket, request: bytes, stop: threading.Event) -> None:
        fields = {"Content-Type": content_type, "Content-Length": str(len(body)), **headers}
        connection.sendall(head("200 OK", fields) + body)

    return send


def trickled_body(connection: socket.socket, request: bytes, stop: threading.Event) -> None:
    connection.sendall(head("200 OK", {"Content-Type": "application/json",
                                       "Transfer-Encoding": "chunked"}))  # fmt: skip
    ends = time.monotonic() + TRICKLE_LIMIT
    while time.monotonic() < ends and not stop.wait(TRICKLE_SECONDS):
        connection.sendall(b"1\r\n \r\n")


def trickled_headers(connection: socket.socket, request: bytes, stop: threading.Event) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    ends, line = time.monotonic() + TRICKLE_LIMIT, 0
    while time.monotonic() < ends and not stop.wait(TRICKLE_SECONDS):
        line += 1
        connection.sendall(f"X-Slow-{line}: {line}\r\n".encode())


@cache
def gzip_bomb() -> bytes:
    """About 260 kB of gzip that expands to 256 MiB of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(BOMB_BYTES // len(block))]
    return b"".join([*parts, compressor.flush()])


def bomb(connection: socket.socket, request: bytes, stop: threading.Event) -> None:
    answer(gzip_bomb(), "application/json", **{"Content-Encoding": "gzip"})(
        connection, request, stop
    )


FAULTS: dict[str, Fault] = {
    "trickled-body": trickled_body,
    "trickled-headers": trickled_headers,
    "gzip-bomb": bomb,
    "html-as-png": answer(b"<html><body>maintenance</body></html>", "image/png"),
    "html-page": answer(b"<html><body>maintenance</body></html>", "text/html"),
    "deep-json": answer(b"[" * 200_000 + b"]" * 200_000, "application/json"),
    "nan": answer(REALTIME.replace(b"0.995", b"NaN", 1), "application/json"),
    "hostile-names": answer(
        json.dumps(
            {
                "success": True,
                "report_id": "r1",
                "status": "complete",
                "files": ["report.html", "../../../etc/passwd"],
            }
        ).encode(),
        "application/json",
    ),
}


def read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@contextmanager
def hostile_server(fault: str) -> Iterator[str]:
    """A loopback server answering every request with `fault`; yields its base URL."""
    behaviour = FAULTS[fault]
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    connections: list[socket.socket] = []
    workers: list[threading.Thread] = []

    def serve(connection: socket.socket) -> None:
        try:
            while not stop.is_set() and (request := read_request(connection)):
                behaviour(connection, request, stop)
        except OSError:
            pass

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(connection)
            worker = threading.Thread(target=serve, args=(connection,), daemon=True)
            workers.append(worker)
            worker.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join(timeout=2)
        for connection in connections:
            connection.close()
        for worker in workers:
            worker.join(timeout=2)
        listener.close()
