"""The transport under every client: one deadline per call, retries, and error statuses raised.

An SDK client owns one httpx client created eagerly, whose transport is a `AsyncRetryTransport`
around a connection pool of its own (or a caller's httpx client). What reaches the generated
code is always a success; everything else is already an SDK exception.
"""

import time

import httpx

from wal_telemetry_sdk._async.io import async_connection_pool, async_sleep, set_idle_expiry
from wal_telemetry_sdk._bodies import BoundedBody, in_memory, size_limit
from wal_telemetry_sdk._config import Settings
from wal_telemetry_sdk._error_mapping import arrived, error_from_response, network_error
from wal_telemetry_sdk._request_policy import (
    POOL_LIMITS,
    RetryBudget,
    echoes_idempotency,
    learnt_expiry,
    log_response,
)


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Retries, one deadline per call, bounded bodies and error mapping around a pool.

    Every body is read here in full, decompressed under its size cap, so what the generated
    code parses is always a complete success and a body cut off midway is retried like any
    other network failure.
    """

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, settings: Settings, owns_inner: bool
    ) -> None:
        self.inner = inner
        self.settings = settings
        self.owns_inner = owns_inner
        self.keys_honoured = False  # learnt from the first echoed idempotency key
        self.idle_expiry = POOL_LIMITS.keepalive_expiry  # learnt from `Keep-Alive: timeout=`
        self.advertised = ""  # the last `Keep-Alive` header seen

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        settings = self.settings
        budget = RetryBudget(
            settings.max_retries, settings.timeout, keys_honoured=self.keys_honoured
        )
        limit = size_limit(request, settings.max_response_bytes, settings.max_file_bytes)
        while True:
            budget.start_attempt(request)
            started = time.perf_counter()
            try:
                response = await self.read_whole(request, limit)
            except httpx.TransportError as error:
                delay = budget.delay_after_error(request, error)
                if delay is None:
                    raise network_error(error, request) from error
                await async_sleep(delay)
                continue
            log_response(request, response, started)
            if echoes_idempotency(request, response):
                self.keys_honoured = budget.keys_honoured = True
            if response.is_success:
                arrived.set(response)
                return response
            delay = budget.delay_after_response(request, response)
            if delay is None:
                raise error_from_response(response)
            await async_sleep(delay)

    async def read_whole(self, request: httpx.Request, limit: int) -> httpx.Response:
        """One attempt: the response with its whole body, decompressed within `limit` bytes."""
        response = await self.inner.handle_async_request(request)
        advertised = response.headers.get("keep-alive", "")
        if advertised != self.advertised and self.owns_inner:
            self.advertised = advertised
            expiry = learnt_expiry(advertised)
            if expiry is not None and expiry != self.idle_expiry:
                set_idle_expiry(self.inner, expiry)
                self.idle_expiry = expiry
        if response.is_stream_consumed:  # built in memory (a mock transport): already whole
            return in_memory(response, request, limit)
        try:
            body = BoundedBody(response, limit)
            async for chunk in response.aiter_raw():
                body.feed(chunk)
        finally:
            await response.aclose()
        return body.response(request)

    async def aclose(self) -> None:
        if self.owns_inner:
            await self.inner.aclose()


class AsyncSendThrough(httpx.AsyncBaseTransport):
    """Sends through a caller's httpx client, so its proxies, certificates and hooks apply."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.client.send(request, stream=True)


def async_retry_transport(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    pool: AsyncRetryTransport | None = None,
) -> AsyncRetryTransport:
    """The transport of an SDK client: its own pool, a caller's client, or `pool`'s connections."""
    inner: httpx.AsyncBaseTransport
    if pool is not None:
        inner, owns = pool.inner, False
    elif http_client is not None:
        inner, owns = AsyncSendThrough(http_client), False
    else:
        inner, owns = async_connection_pool(settings.verify_ssl, POOL_LIMITS), True
    return AsyncRetryTransport(inner, settings=settings, owns_inner=owns)
