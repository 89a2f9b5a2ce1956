"""The SDK's exceptions: one tree rooted at `WALTelemetryError`.

API errors (an error status, a `{"success": false}` body, a body that does not parse) are
`ValueError`s, as the original client promised. Network failures are `APIConnectionError`, which is
a `ConnectionError` (so an `OSError`, like `requests.RequestException`) and never a `ValueError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx only in annotations: the command line names errors without loading it
    import httpx

    from wal_telemetry_sdk._report_progress import ReportProgress

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReportFailedError",
    "UnprocessableEntityError",
    "WALTelemetryError",
]

REQUEST_ID_HEADERS = ("x-request-id", "request-id")


class WALTelemetryError(Exception):
    """Base class of every exception the SDK raises on purpose."""


class APIError(WALTelemetryError, ValueError):
    """The server answered, but not with a usable result."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        detail: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.detail = detail
        self.response = response
        self.request_id = _request_id(response)

    def __str__(self) -> str:
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.message}{suffix}"


class APIStatusError(APIError):
    """The server answered with an error status (or a `{"success": false}` body)."""


class BadRequestError(APIStatusError):
    """400: an argument has a value the server does not accept."""


class AuthenticationError(APIStatusError):
    """401: the server needs an API key, and none or a wrong one was sent."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such report, file or endpoint."""


class UnprocessableEntityError(APIStatusError):
    """422: a parameter or body field failed the server's validation."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically before it reaches you."""


class InternalServerError(APIStatusError):
    """5xx: the server (or a proxy in front of it) failed."""


class APIResponseValidationError(APIError):
    """A successful status whose body is not what the API describes (not JSON, fields missing)."""


class APIConnectionError(WALTelemetryError, ConnectionError):
    """The request could not be completed: refused, reset, DNS, TLS, protocol errors."""

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError, TimeoutError):
    """The server did not answer within the client's timeout (retries included)."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


def _request_id(response: httpx.Response | None) -> str | None:
    if response is None:
        return None
    for name in REQUEST_ID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


class ReportFailedError(WALTelemetryError, RuntimeError):
    """The server reported that writing the report failed."""

    def __init__(self, report_id: str, progress: ReportProgress) -> None:
        reason = f": {progress.detail}" if progress.detail else ""
        super().__init__(f"report {report_id} failed{reason}")
        self.report_id = report_id
        self.progress = progress
