"""Status and body to exception, in one place: used by the transport and by every result parser."""

import json
from contextvars import ContextVar
from typing import Any

import httpx

from wal_telemetry_sdk.errors import APIError, status_error_class

MAX_DETAIL_CHARS = 300

# The last successful response in this thread or task, set by the transport, so a body that
# fails to parse can be reported together with the response that carried it.
last_response: ContextVar[httpx.Response | None] = ContextVar("last_response", default=None)


def error_from_response(response: httpx.Response) -> APIError:
    """The typed exception for an error status; the body may be JSON, HTML or nothing at all."""
    detail = error_detail(response.content)
    reason = response.reason_phrase or "Error"
    message = f"{response.status_code} {reason}"
    if detail:
        message += f": {describe_detail(detail)}"
    error_class = status_error_class(response.status_code)
    return error_class(message, status_code=response.status_code, detail=detail, response=response)


def failure_from_envelope(detail: Any, response: httpx.Response | None) -> APIError:
    """The exception for a `{"success": false, "error": ...}` body sent with a 2xx status."""
    message = f"API error: {describe_detail(detail) or 'the server reported a failure'}"
    status = response.status_code if response is not None else None
    return APIError(message, status_code=status, detail=detail, response=response)


def error_detail(content: bytes) -> Any:
    """The server's `detail` (FastAPI) or `error` (envelope), else a short excerpt of the body."""
    try:
        body = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", "replace").strip()
        return " ".join(text.split())[:MAX_DETAIL_CHARS] or None
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            if body.get(key) not in (None, ""):
                return body[key]
    return body


def describe_detail(detail: Any) -> str:
    """One line for a detail: a message as is, FastAPI's check list as `loc: msg; ...`."""
    if detail is None:
        return ""
    if isinstance(detail, list) and all(isinstance(item, dict) for item in detail):
        return "; ".join(_describe_check(item) for item in detail)[:MAX_DETAIL_CHARS]
    return str(detail)[:MAX_DETAIL_CHARS]


def _describe_check(item: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in item.get("loc", []) if part not in ("query", "body"))
    message = str(item.get("msg", "invalid"))
    return f"{location}: {message}" if location else message
