"""The HTTP policy of every request, without I/O: pool limits, headers, retries, deadlines, logs.

Both clients' retry transports (`_async/transport.py` and its sync twin) apply it: one deadline
per call (the client's timeout, retries included), retries of what is safe to retry, jittered
backoff and `Retry-After`.
"""

import logging
import math
import random
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx

from wal_telemetry_sdk._bodies import ACCEPT_ENCODING
from wal_telemetry_sdk._config import Settings
from wal_telemetry_sdk._version import __version__
from wal_telemetry_sdk.errors import APITimeoutError

logger = logging.getLogger("wal_telemetry_sdk")

USER_AGENT = f"wal-telemetry-sdk/{__version__}"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
# Timeout and rate limit: the server turned the request away before acting on it.
REFUSED_STATUSES = frozenset({408, 429})

# Keep-alive as many connections as may be open: httpcore closes idle connections whenever the
# pool holds more than `max_keepalive_connections` in total, which makes busy clients reconnect.
# An idle connection is dropped after 4 s, before the 5 s after which common servers (uvicorn,
# Apache) close theirs: a request never goes out on a connection the server is closing.
MAX_CONNECTIONS = 16
KEEPALIVE_EXPIRY = 4.0
POOL_LIMITS = httpx.Limits(
    max_connections=MAX_CONNECTIONS,
    max_keepalive_connections=MAX_CONNECTIONS,
    keepalive_expiry=KEEPALIVE_EXPIRY,
)
# A server that advertises `Keep-Alive: timeout=N` keeps idle connections N seconds: the SDK
# then keeps them a second less, at most five minutes.
KEEP_ALIVE_TIMEOUT = re.compile(r"(?:^|[,;\s])timeout\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
MAX_LEARNT_EXPIRY = 300.0
# When the call in progress in this thread or task must be over (monotonic clock): every
# connect, write and read of the call, body included, waits at most until then.
call_deadline: ContextVar[float | None] = ContextVar("call_deadline", default=None)
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@contextmanager
def deadline_scope(timeout: float) -> Iterator[float]:
    """The scope of one call: its deadline is `timeout` seconds from now, retries included."""
    deadline = time.monotonic() + timeout
    token = call_deadline.set(deadline)
    try:
        yield deadline
    finally:
        call_deadline.reset(token)


def time_left(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left of the call's deadline (0 when it has passed)."""
    deadline = call_deadline.get()
    if deadline is None:
        return timeout
    left = max(0.0, deadline - time.monotonic())
    return left if timeout is None else min(timeout, left)


def learnt_expiry(advertised: str) -> float | None:
    """How long to keep idle connections to a server, from its `Keep-Alive: timeout=N`."""
    match = KEEP_ALIVE_TIMEOUT.search(advertised)
    if match is None:
        return None
    return min(max(float(match.group(1)) - 1, 0.5), MAX_LEARNT_EXPIRY)


def default_headers(settings: Settings) -> dict[str, str]:
    """The User-Agent, plus the bearer token when there is an API key."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    return headers


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers fit for a log line: credentials replaced by `<redacted>`."""
    return {k: "<redacted>" if k.lower() in SENSITIVE_HEADERS else v for k, v in headers.items()}


def without_secrets(text: str, headers: Mapping[str, str]) -> str:
    """`text` with every credential the request carried (and its bare token) redacted."""
    for name, value in headers.items():
        if name.lower() in SENSITIVE_HEADERS and value:
            for secret in (value, value.partition(" ")[2]):
                if len(secret) >= 4:
                    text = text.replace(secret, "<redacted>")
    return text


IDEMPOTENCY_KEY = "Idempotency-Key"


def new_idempotency_key() -> str:
    """A fresh key for one request that creates something; its retries carry the same key."""
    import uuid  # here, not at import: uuid loads `platform`, a cost only report requests need

    return uuid.uuid4().hex


def creates_something(request: httpx.Request) -> bool:
    """Only POST /report creates something new; every other request may be sent twice."""
    return request.method == "POST" and request.url.path.endswith("/report")


def echoes_idempotency(request: httpx.Request, response: httpx.Response) -> bool:
    """Whether the server showed that it honours the request's `Idempotency-Key`."""
    if request.method != "POST":
        return False
    key = request.headers.get(IDEMPOTENCY_KEY)
    return key is not None and response.headers.get(IDEMPOTENCY_KEY) == key


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait from `Retry-After-Ms` or `Retry-After` (seconds or a date)."""
    if value := headers.get("retry-after-ms"):
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    import email.utils

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


class RetryBudget:
    """The retry bookkeeping of one call: retries left and the deadline shared by every attempt."""

    def __init__(self, max_retries: int, timeout: float, *, keys_honoured: bool = False) -> None:
        self.max_retries = max_retries
        self.retries_taken = 0
        # Whether the server is known to honour idempotency keys (it echoed one).
        self.keys_honoured = keys_honoured
        self.deadline = call_deadline.get() or time.monotonic() + timeout

    def start_attempt(self, request: httpx.Request) -> None:
        """Cap the attempt's timeouts by the time left, failing at once when none is."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise APITimeoutError(request=request)
        timeouts = request.extensions.get("timeout", {})
        capped = {k: remaining if v is None else min(v, remaining) for k, v in timeouts.items()}
        request.extensions = {**request.extensions, "timeout": capped}

    def is_replay_safe(self, request: httpx.Request) -> bool:
        """Whether sending `request` again does no harm: it creates nothing, or it carries an
        idempotency key the server honours (the same key returns the first answer)."""
        if not creates_something(request):
            return True
        return self.keys_honoured and IDEMPOTENCY_KEY in request.headers

    def delay_after_error(self, request: httpx.Request, error: Exception) -> float | None:
        """Seconds to wait before retrying after a network error, or None to give up."""
        if not isinstance(error, RETRYABLE_ERRORS):
            return None
        if not self.is_replay_safe(request) and not isinstance(error, NOT_SENT_ERRORS):
            return None
        return self._next_delay(request, None, repr(error))

    def delay_after_response(
        self, request: httpx.Request, response: httpx.Response
    ) -> float | None:
        """Seconds to wait before retrying after `response`, or None to keep it."""
        status = response.status_code
        if status not in REFUSED_STATUSES and not (status >= 500 and self.is_replay_safe(request)):
            return None
        return self._next_delay(request, retry_after_seconds(response.headers), f"status {status}")

    def _next_delay(
        self, request: httpx.Request, retry_after: float | None, why: str
    ) -> float | None:
        if self.retries_taken >= self.max_retries:
            return None
        if retry_after is not None and math.isfinite(retry_after):
            if retry_after > MAX_RETRY_AFTER:
                return None
            delay = max(retry_after, 0.0)
        else:
            backoff = min(INITIAL_RETRY_DELAY * 2**self.retries_taken, MAX_RETRY_DELAY)
            delay = backoff * (1 - 0.25 * random.random())
        if time.monotonic() + delay >= self.deadline:
            return None
        self.retries_taken += 1
        logger.info(
            "Retrying %s %s in %.2fs after %s (retry %d of %d)",
            request.method,
            request.url,
            delay,
            why,
            self.retries_taken,
            self.max_retries,
        )
        return delay


def log_response(request: httpx.Request, response: httpx.Response, started: float) -> None:
    """A debug line per attempt, credentials redacted."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d in %.1f ms; request headers %s",
            request.method,
            request.url,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            redacted(request.headers),
        )


def client_options(settings: Settings) -> dict[str, Any]:
    """What the SDK's `httpx.Client` and `AsyncClient` are built with, besides the transport."""
    return {
        "base_url": settings.base_url,
        "headers": default_headers(settings),
        "timeout": settings.timeout,
    }
