"""Request guards: the optional API key, request body size, and names that must stay in a folder."""

from __future__ import annotations

import hmac
import json
import os
import posixpath
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wal_telemetry_server.errors import ApiError
from wal_telemetry_server.model import API_PREFIX, MAX_BODY_BYTES

API_KEY_ENV = "WAL_TELEMETRY_SERVER_API_KEY"
REPORT_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,127}")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


async def _send_json(send: Send, status: int, body: object, headers: dict[str, str]) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class ApiKeyMiddleware:
    """Requires `Authorization: Bearer <key>` on the API's paths, compared in constant time."""

    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app = app
        self._expected = api_key.encode()

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                if scheme.lower() == b"bearer" and hmac.compare_digest(
                    token.strip(), self._expected
                ):
                    return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith(API_PREFIX)
            and not self._authorized(scope)
        ):
            await _send_json(
                send,
                401,
                {"detail": "Invalid or missing API key"},
                {"www-authenticate": "Bearer"},
            )
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuses POST/PUT/PATCH bodies over `limit` bytes with a 400 before the app reads them."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        detail = f"Request body too large: the limit is {self.limit} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _send_json(send, 400, {"detail": detail}, {"connection": "close"})
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise ApiError(400, detail)
            return message

        await self.app(scope, limited_receive, send)


def check_report_id(report_id: str) -> str:
    """The id if it is a plain report id (no separators, no dots), else 400."""
    if not REPORT_ID.fullmatch(report_id):
        raise ApiError(400, "Invalid report ID")
    return report_id


def check_file_name(file_name: str) -> str:
    """The name if it is a plain file name without a directory part, else 400."""
    if not FILE_NAME.fullmatch(file_name) or ".." in file_name:
        raise ApiError(400, "Invalid file name")
    return file_name


def confined(root: Path, requested: str) -> Path:
    """The folder `requested` names, kept inside `root` as a chroot keeps paths.

    A path under `root` stays as it is; any other is read relative to `root` (`/srv/x` becomes
    `root/srv/x`), and `..` cannot climb above `root`.
    """
    virtual = Path(posixpath.normpath("/" + requested.lstrip("/")))
    if virtual.is_relative_to(root):
        return virtual
    return root.joinpath(*virtual.parts[1:])


def contained(base: Path, *names: str) -> Path | None:
    """`base/names...` if it exists, involves no symbolic link and resolves inside `base`."""
    root = base.resolve()
    path = root.joinpath(*names)
    current = root
    for name in names:
        current = current / name
        if os.path.islink(current):
            return None
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or resolved == root:
        return None
    return resolved
