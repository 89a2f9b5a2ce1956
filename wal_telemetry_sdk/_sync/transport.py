# Generated from wal_telemetry_sdk/_async/transport.py by scripts/unasync.py: do not edit.
"""The transport under every client: one deadline per call, retries, and error statuses raised.

An SDK client owns one httpx client created eagerly, whose transport is a `RetryTransport`
around a connection pool of its own (or a caller's httpx client). What reaches the generated
code is always a success; everything else is already an SDK exception.
"""

import time

import httpx

from wal_telemetry_sdk._config import Settings
from wal_telemetry_sdk._error_mapping import arrived, error_from_response, network_error
from wal_telemetry_sdk._request_policy import POOL_LIMITS, RetryBudget, log_response
from wal_telemetry_sdk._sync.io import connection_pool, sleep


class RetryTransport(httpx.BaseTransport):
    """Retries, one deadline per call and error mapping around a pooled transport."""

    def __init__(
        self, inner: httpx.BaseTransport, *, max_retries: int, timeout: float, owns_inner: bool
    ) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self.timeout = timeout
        self.owns_inner = owns_inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        budget = RetryBudget(self.max_retries, self.timeout)
        while True:
            budget.start_attempt(request)
            started = time.perf_counter()
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as error:
                delay = budget.delay_after_error(request, error)
                if delay is None:
                    raise network_error(error, request) from error
                sleep(delay)
                continue
            log_response(request, response, started)
            if response.is_success:
                arrived.set(response)
                return response
            try:
                response.read()
            except httpx.TransportError as error:
                raise network_error(error, request) from error
            delay = budget.delay_after_response(request, response)
            if delay is None:
                response.request = request
                raise error_from_response(response)
            sleep(delay)

    def close(self) -> None:
        if self.owns_inner:
            self.inner.close()


class SendThrough(httpx.BaseTransport):
    """Sends through a caller's httpx client, so its proxies, certificates and hooks apply."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.client.send(request, stream=True)


def retry_transport(
    settings: Settings,
    *,
    http_client: httpx.Client | None = None,
    pool: RetryTransport | None = None,
) -> RetryTransport:
    """The transport of an SDK client: its own pool, a caller's client, or `pool`'s connections."""
    inner: httpx.BaseTransport
    if pool is not None:
        inner, owns = pool.inner, False
    elif http_client is not None:
        inner, owns = SendThrough(http_client), False
    else:
        inner, owns = connection_pool(settings.verify_ssl, POOL_LIMITS), True
    return RetryTransport(
        inner, max_retries=settings.max_retries, timeout=settings.timeout, owns_inner=owns
    )
