"""Every response says how long the server keeps an idle connection open.

`Keep-Alive: timeout=N`, as Apache sends it and nginx can, lets a client drop its idle
connections just before the server would close them, instead of guessing.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AdvertiseKeepAlive:
    """Adds `Keep-Alive: timeout=<seconds>` to every response that keeps its connection open."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.header = (b"keep-alive", f"timeout={int(seconds)}".encode())

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
                    message = {**message, "headers": [*headers, self.header]}
            await send(message)

        await self.app(scope, receive, advertise)
