"""Serving the app with uvicorn on a pre-bound socket, announcing the URL once it is ready."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import Generator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from wal_telemetry_server.app import create_app
from wal_telemetry_server.keepalive import KEEP_ALIVE_SECONDS
from wal_telemetry_server.service import ServerOptions

READY_MESSAGE = "WAL telemetry server listening on"


class _Server(uvicorn.Server):
    """A uvicorn server that stops cleanly on SIGINT/SIGTERM and exits 0 afterwards."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self._stop) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The base URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def _serve(server: _Server, sock: socket.socket) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if server.started:
        print(f"{READY_MESSAGE} {url_of(sock)}", flush=True)
    await task


def serve(options: ServerOptions, host: str, port: int, log_level: str = "warning") -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code."""
    sock = bind(host, port)
    config = uvicorn.Config(
        create_app(options),
        log_level=log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = _Server(config)
    try:
        asyncio.run(_serve(server, sock))
    finally:
        sock.close()
    if not server.started:
        print("WAL telemetry server failed to start", file=sys.stderr, flush=True)
        return 1
    return 0
