"""Idle connections outlive a tick: no reconnect between default `monitor_realtime` ticks."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
from wal_telemetry_server.testing import RunningServer

from .conftest import API
from .proxy import load_proxy

TICKS = 2
IDLE_SECONDS = 8.0  # comfortably past the monitor's default 5 s interval


def get(sock: socket.socket, host: str) -> bytes:
    """One keep-alive GET on an open socket; the status line of the answer."""
    sock.sendall(f"GET {API}/config HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b"closed"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))  # fmt: skip
    while len(body) < length:
        body += sock.recv(65536)
    return head.split(b"\r\n")[0]


def test_idle_connections_survive_past_the_default_monitor_interval(
    wal_telemetry_server: RunningServer,
) -> None:
    proxy_module = load_proxy()
    host = f"127.0.0.1:{wal_telemetry_server.port}"
    statuses: list[bytes] = []

    def idle_socket() -> None:
        with socket.create_connection(("127.0.0.1", wal_telemetry_server.port)) as sock:
            sock.settimeout(30)
            statuses.append(get(sock, host))
            time.sleep(IDLE_SECONDS)
            statuses.append(get(sock, host))

    raw = threading.Thread(target=idle_socket)
    raw.start()
    target = ("127.0.0.1", wal_telemetry_server.port)
    with (
        proxy_module.DelayProxy(*target, 0.0) as sync_proxy,
        proxy_module.DelayProxy(*target, 0.0) as async_proxy,
    ):
        seen: dict[str, list[int]] = {"sync": [], "async": []}
        duration = (TICKS - 1) * 5 + 0.5  # ticks at 0 and 5 s: the default interval

        with WALTelemetryClient(sync_proxy.url) as client:
            monitor = client.monitor_realtime(
                lambda _m, i: seen["sync"].append(i), duration=duration, background=True
            )

            async def watch() -> None:
                async with AsyncWALTelemetryClient(async_proxy.url) as aclient:

                    def record(_m: Any, i: int) -> None:
                        seen["async"].append(i)

                    await aclient.monitor_realtime(record, duration=duration)

            asyncio.run(watch())
            monitor.join()
        assert seen == {"sync": list(range(TICKS)), "async": list(range(TICKS))}
        assert (sync_proxy.accepted, async_proxy.accepted) == (1, 1)
    raw.join(30)
    assert statuses == [b"HTTP/1.1 200 OK"] * 2
