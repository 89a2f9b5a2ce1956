"""Idle connections stay open 75 s (nginx's default), and every response says so.

`Keep-Alive: timeout=75`, as Apache sends it and nginx can, lets a client drop its idle
connections just before the server would close them, instead of guessing.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEEP_ALIVE_SECONDS = 75
"""How long an idle connection stays open: well past a monitor's 5 s tick."""
HEADER = (b"keep-alive", f"timeout={KEEP_ALIVE_SECONDS}".encode())


class AdvertiseKeepAlive:
    """Adds the `Keep-Alive` header to every HTTP response that keeps its connection open."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def advertise(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                closing = any(
                    name.lower() == b"connection" and b"close" in value.lower()
                    for name, value in headers
                )
                if not closing:
                    message = {**message, "headers": [*headers, HEADER]}
            await send(message)

        await self.app(scope, receive, advertise)
