from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.realtime_metrics import RealtimeMetrics
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v0/wal/telemetry/realtime",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | RealtimeMetrics | None:
    if response.status_code == 200:
        response_200 = RealtimeMetrics.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = ErrorBody.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | RealtimeMetrics]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorBody | RealtimeMetrics]:
    """Get real-time metrics

     The latest metrics. The reference server sends the summary fields (`operation_latency`,
    `success_rate.value`, ...) and the per-key maps; the upstream server sends only the maps,
    keyed `"operation:backend"`.

    On the reference server the summary covers the operations finished in the last
    `window_seconds` (60): `operation_latency` in milliseconds, `latency` in seconds,
    `throughput` in operations per second, and `queue_size` the latest queue gauges
    (`value` = pending + processing, `by_key` = `{"pending", "processing"}`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | RealtimeMetrics]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorBody | RealtimeMetrics | None:
    """Get real-time metrics

     The latest metrics. The reference server sends the summary fields (`operation_latency`,
    `success_rate.value`, ...) and the per-key maps; the upstream server sends only the maps,
    keyed `"operation:backend"`.

    On the reference server the summary covers the operations finished in the last
    `window_seconds` (60): `operation_latency` in milliseconds, `latency` in seconds,
    `throughput` in operations per second, and `queue_size` the latest queue gauges
    (`value` = pending + processing, `by_key` = `{"pending", "processing"}`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | RealtimeMetrics
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorBody | RealtimeMetrics]:
    """Get real-time metrics

     The latest metrics. The reference server sends the summary fields (`operation_latency`,
    `success_rate.value`, ...) and the per-key maps; the upstream server sends only the maps,
    keyed `"operation:backend"`.

    On the reference server the summary covers the operations finished in the last
    `window_seconds` (60): `operation_latency` in milliseconds, `latency` in seconds,
    `throughput` in operations per second, and `queue_size` the latest queue gauges
    (`value` = pending + processing, `by_key` = `{"pending", "processing"}`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | RealtimeMetrics]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorBody | RealtimeMetrics | None:
    """Get real-time metrics

     The latest metrics. The reference server sends the summary fields (`operation_latency`,
    `success_rate.value`, ...) and the per-key maps; the upstream server sends only the maps,
    keyed `"operation:backend"`.

    On the reference server the summary covers the operations finished in the last
    `window_seconds` (60): `operation_latency` in milliseconds, `latency` in seconds,
    `throughput` in operations per second, and `queue_size` the latest queue gauges
    (`value` = pending + processing, `by_key` = `{"pending", "processing"}`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | RealtimeMetrics
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
