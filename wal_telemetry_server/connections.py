"""Shedding slow and excess connections: what uvicorn's HTTP/1.1 protocol lacks.

- a header-read timeout: the whole request head must arrive within `header_timeout` seconds of
  the connection opening or of the request's first byte, else 408 and close (Go's
  `http.Server.ReadHeaderTimeout`, nginx's `client_header_timeout`), so a client that trickles
  header lines cannot hold a connection for long;
- a connection limit below the process's descriptor limit: a connection over it is answered
  503 with `Retry-After` at once and closed (nginx's `limit_conn`), so excess clients never
  exhaust descriptors (EMFILE) and lock everyone else out.
The idle timeout between requests is uvicorn's keep-alive timeout. A 408 is followed by a lingering
close (Apache's `lingering_close`): the write side is shut and whatever the client still sends is
read and dropped for a moment, so closing does not reset the connection before the client has read
the answer. A 503 closes at once: over the limit, the descriptor is what is short.
"""

from __future__ import annotations

import asyncio
import json
import resource
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT = 20.0
DEFAULT_IDLE_TIMEOUT = 75
"""nginx's `keepalive_timeout`: well past a monitor's 5 s tick."""
DEFAULT_MAX_CONNECTIONS = 4096
REFUSED_GRACE = 1.0
"""Seconds a connection over the limit has to send its request before the 503 comes anyway."""
RESERVED_DESCRIPTORS = 256
"""Descriptors kept for everything but client connections: database, chart workers, files,
and the connections of one accept burst that are over the limit and about to be closed."""
LINGER_SECONDS = 2.0
"""How long a connection answered with a canned response keeps draining what the client sends."""
ACCEPT_BURST = 64
"""Connections asyncio accepts in one pass (its `backlog`): the most that can be open and over
the limit before the first of them is closed."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """How long a request head may take, how long an idle connection stays, how many may be open."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS


def raise_descriptor_limit() -> int:
    """Raise the soft descriptor limit to the hard one (as Go programs do) and return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def connection_cap(wanted: int, descriptors: int) -> int:
    """At most `wanted` connections, leaving room for the server's own descriptors and for one
    burst of connections accepted before they are counted (and refused)."""
    reserve = min(RESERVED_DESCRIPTORS, descriptors // 2) + ACCEPT_BURST
    return max(1, min(wanted, descriptors - reserve))


def _raw_response(status: int, reason: str, detail: str, headers: dict[str, str]) -> bytes:
    body = json.dumps({"detail": detail}).encode()
    lines = [f"HTTP/1.1 {status} {reason}", "content-type: application/json"]
    lines += [f"content-length: {len(body)}", "connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def guarded_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with the header-read timeout and the connection limit."""
    too_many = _raw_response(
        503,
        "Service Unavailable",
        f"The server has {limits.max_connections} connections open; retry in a moment",
        {"retry-after": "1"},
    )
    too_slow = _raw_response(
        408,
        "Request Timeout",
        f"The request headers did not arrive within {limits.header_timeout:g} s",
        {},
    )

    class GuardedH11Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._header_timer: asyncio.TimerHandle | None = None
            self._over_limit = False
            self._lingering = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._over_limit = len(self.connections) > limits.max_connections
            self._arm(REFUSED_GRACE if self._over_limit else limits.header_timeout)

        def data_received(self, data: bytes) -> None:
            if self._lingering:  # answered already: drop the rest
                return
            if self._over_limit:  # answered once the request is in, so the client can read it
                self._answer(too_many, linger=0)
                return
            if self._header_timer is None and self.conn.their_state is h11.IDLE:
                self._arm(limits.header_timeout)  # the next request on a kept-alive connection
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()  # the head has arrived

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self, seconds: float) -> None:
            self._header_timer = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self._over_limit:
                self._answer(too_many, linger=0)
            elif self.conn.their_state is h11.IDLE:
                self._answer(too_slow, linger=LINGER_SECONDS)

        def _answer(self, response: bytes, linger: float) -> None:
            """Send a canned response and close, after draining the client for `linger` seconds."""
            self._disarm()
            if self._lingering or self.transport.is_closing():
                return
            self.transport.write(response)
            if linger <= 0 or not self.transport.can_write_eof():
                self.transport.close()
                return
            self._lingering = True
            self.transport.write_eof()
            self._header_timer = self.loop.call_later(linger, self.transport.close)

    return GuardedH11Protocol
