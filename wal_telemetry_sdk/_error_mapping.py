"""Everything that goes wrong in a call, turned into the SDK's error tree, in one place.

An error status becomes its `APIStatusError` subclass; a `{"success": false, "error": ...}` body
an `APIError`; a body that arrived but does not match the API an `APIResponseValidationError`;
an httpx transport failure an `APIConnectionError` (or `APITimeoutError`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import httpx

from wal_telemetry_sdk._bodies import collector_paused, json_body
from wal_telemetry_sdk._request_policy import without_secrets
from wal_telemetry_sdk.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    WALTelemetryError,
)

R = TypeVar("R")

MAX_DETAIL_CHARS = 300
# What the generated parsers and the SDK's converters raise on a body of the wrong shape.
PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

# The successful response of the call in progress in this thread or task, set by the transport,
# so that a body failing to parse is reported with the response that carried it. None between
# calls, and while a request is being built.
arrived: ContextVar[httpx.Response | None] = ContextVar("arrived", default=None)


@contextmanager
def call_errors() -> Iterator[None]:
    """The scope of one SDK call: what escapes it is an SDK exception about this call only.

    A parse error is a response validation error only once a body has arrived; raised while the
    request was being built, it propagates as it is.
    """
    token = arrived.set(None)
    try:
        yield
    except WALTelemetryError:
        raise
    except httpx.DecodingError as error:
        raise invalid_body(error) from error
    except httpx.HTTPError as error:
        raise network_error(error, None) from error
    except PARSE_ERRORS as error:
        if arrived.get() is None:
            raise
        raise invalid_body(error) from error
    finally:
        arrived.reset(token)


def unwrap(
    response: httpx.Response,
    convert: Callable[[Any], R],
    from_bytes: Callable[[bytes], R | None] | None = None,
) -> R:
    """A 200 response's JSON body as a typed result; a failure envelope or a bad body raises.

    The body is decoded once and handed to the converter as it came: the generated models
    define its shape (the conformance tests hold both paths equal) but do not parse it again.
    `from_bytes`, when given, decodes and converts the common body in one go, answering None for
    a body it leaves to the general path.
    """
    if response.status_code != 200:
        raise ValueError(f"unexpected status {response.status_code}")
    with collector_paused(len(response.content)):
        if from_bytes is not None and (result := from_bytes(response.content)) is not None:
            return result
        body = json_body(response.content)
        if type(body) is dict and body.get("success") is False:
            raise failure_from_envelope(body.get("error"), response)
        return convert(body)


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP status; 5xx share `InternalServerError`."""
    if status_code >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status_code, APIStatusError)


def error_from_response(response: httpx.Response) -> APIError:
    """The typed exception for an error status; the body may be JSON, HTML or nothing at all."""
    detail = error_detail(response.content)
    reason = response.reason_phrase or "Error"
    message = f"{response.status_code} {reason}"
    if detail:
        message += f": {describe_detail(detail)}"
    error_class = status_error_class(response.status_code)
    return error_class(message, status_code=response.status_code, detail=detail, response=response)


def network_error(error: Exception, request: httpx.Request | None) -> APIConnectionError:
    """The SDK exception for an httpx transport failure, the request's credentials redacted."""
    if request is None and isinstance(error, httpx.RequestError):
        with contextlib.suppress(RuntimeError):  # httpx raises when no request was attached
            request = error.request
    headers = request.headers if request is not None else httpx.Headers()
    if isinstance(error, httpx.TimeoutException):
        message = without_secrets(f"Request timed out: {error}", headers)
        return APITimeoutError(message, request=request)
    return APIConnectionError(
        without_secrets(f"Connection error: {error!r}", headers), request=request
    )


def invalid_body(error: Exception) -> APIError:
    """The exception for a 2xx body that does not match the API; a failure envelope wins."""
    response = arrived.get()
    if (envelope := failure_envelope(response)) is not None:
        return envelope
    status = response.status_code if response is not None else None
    reason = f"{type(error).__name__}: {error}"
    return APIResponseValidationError(
        f"The server's response does not match the API ({reason})",
        status_code=status,
        detail=reason,
        response=response,
    )


def failure_envelope(response: httpx.Response | None) -> APIError | None:
    """The error a `{"success": false, "error": ...}` body stands for, if it is one."""
    try:
        body = response.json() if response is not None else None
    except (ValueError, RecursionError):
        return None
    if isinstance(body, dict) and body.get("success") is False:
        return failure_from_envelope(body.get("error"), response)
    return None


def failure_from_envelope(detail: Any, response: httpx.Response | None) -> APIError:
    """The exception for a `{"success": false, "error": ...}` body sent with a 2xx status."""
    message = f"API error: {describe_detail(detail) or 'the server reported a failure'}"
    status = response.status_code if response is not None else None
    return APIError(message, status_code=status, detail=detail, response=response)


def is_missing_operation(error: NotFoundError) -> bool:
    """Whether a 404 means the server has no such operation (a framework's bare "Not Found")."""
    return bool(error.detail == "Not Found")


def error_detail(content: bytes) -> Any:
    """The server's `detail` (FastAPI) or `error` (envelope), else a short excerpt of the body."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
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
