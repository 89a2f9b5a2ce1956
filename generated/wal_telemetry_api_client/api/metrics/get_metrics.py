from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.metrics_response import MetricsResponse
from ...models.telemetry_aggregation import TelemetryAggregation
from ...models.telemetry_metric_type import TelemetryMetricType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    metric_type: TelemetryMetricType | Unset = UNSET,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_metric_type: str | Unset = UNSET
    if not isinstance(metric_type, Unset):
        json_metric_type = metric_type.value

    params["metric_type"] = json_metric_type

    params["operation_type"] = operation_type

    params["backend"] = backend

    params["status"] = status

    params["start_time"] = start_time

    params["end_time"] = end_time

    json_aggregation: str | Unset = UNSET
    if not isinstance(aggregation, Unset):
        json_aggregation = aggregation.value

    params["aggregation"] = json_aggregation

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v0/wal/telemetry/metrics",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | MetricsResponse | None:
    if response.status_code == 200:
        response_200 = MetricsResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = ErrorBody.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | MetricsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType | Unset = UNSET,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> Response[ErrorBody | MetricsResponse]:
    """Get telemetry metrics

     Returns stored metrics as a tree whose leaves are series (`[timestamp, value]` pairs) or,
    with `aggregation`, single numbers. A filter that matches nothing gives empty series.

    On the reference server: `operation_latency` is `{operation: {backend: series}}` with one
    point per operation, in seconds; `operation_count`, `success_rate` (0-1), `error_rate`
    (0-1) and `retry_count` are `{operation: {backend: series}}` with one point per sampling
    interval (`sampling_interval` seconds, stamped with the interval's start) that has
    operations; `throughput` is `{"overall": series}` in operations finished per second per
    interval; `backend_health` is `{backend: series}` (1.0 online, 0.5 degraded, 0.0 offline)
    and `queue_size` is `{"pending": series, "processing": series}`, both gauges that honour
    `backend` and the time range only. Without `metric_type` the tree is `{metric_type: tree}`.
    The time range is `[start_time, end_time)`; either bound may be given alone. An
    aggregation reduces each series to one number (0 for an empty series); `rate` is points
    per second between the first and the last point. A response carries at most 250,000
    points; beyond that the answer is 400 and the caller narrows the range or aggregates.

    The reference server keeps per-minute, 10-minute and hourly rollups, so a day costs
    about as much as an hour. `percentile_95` and `percentile_99` of `operation_latency` come
    from log-bucketed histograms: each is within 0.5% (relative) of the exact percentile of
    the same samples, interpolated linearly between the closest ranks (latencies under 1 ns
    count as 1 ns). Every other aggregation is exact.

    Args:
        metric_type (TelemetryMetricType | Unset): A kind of telemetry metric. `x-unit` gives each
            type's unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | MetricsResponse]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        aggregation=aggregation,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType | Unset = UNSET,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> ErrorBody | MetricsResponse | None:
    """Get telemetry metrics

     Returns stored metrics as a tree whose leaves are series (`[timestamp, value]` pairs) or,
    with `aggregation`, single numbers. A filter that matches nothing gives empty series.

    On the reference server: `operation_latency` is `{operation: {backend: series}}` with one
    point per operation, in seconds; `operation_count`, `success_rate` (0-1), `error_rate`
    (0-1) and `retry_count` are `{operation: {backend: series}}` with one point per sampling
    interval (`sampling_interval` seconds, stamped with the interval's start) that has
    operations; `throughput` is `{"overall": series}` in operations finished per second per
    interval; `backend_health` is `{backend: series}` (1.0 online, 0.5 degraded, 0.0 offline)
    and `queue_size` is `{"pending": series, "processing": series}`, both gauges that honour
    `backend` and the time range only. Without `metric_type` the tree is `{metric_type: tree}`.
    The time range is `[start_time, end_time)`; either bound may be given alone. An
    aggregation reduces each series to one number (0 for an empty series); `rate` is points
    per second between the first and the last point. A response carries at most 250,000
    points; beyond that the answer is 400 and the caller narrows the range or aggregates.

    The reference server keeps per-minute, 10-minute and hourly rollups, so a day costs
    about as much as an hour. `percentile_95` and `percentile_99` of `operation_latency` come
    from log-bucketed histograms: each is within 0.5% (relative) of the exact percentile of
    the same samples, interpolated linearly between the closest ranks (latencies under 1 ns
    count as 1 ns). Every other aggregation is exact.

    Args:
        metric_type (TelemetryMetricType | Unset): A kind of telemetry metric. `x-unit` gives each
            type's unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | MetricsResponse
    """

    return sync_detailed(
        client=client,
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        aggregation=aggregation,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType | Unset = UNSET,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> Response[ErrorBody | MetricsResponse]:
    """Get telemetry metrics

     Returns stored metrics as a tree whose leaves are series (`[timestamp, value]` pairs) or,
    with `aggregation`, single numbers. A filter that matches nothing gives empty series.

    On the reference server: `operation_latency` is `{operation: {backend: series}}` with one
    point per operation, in seconds; `operation_count`, `success_rate` (0-1), `error_rate`
    (0-1) and `retry_count` are `{operation: {backend: series}}` with one point per sampling
    interval (`sampling_interval` seconds, stamped with the interval's start) that has
    operations; `throughput` is `{"overall": series}` in operations finished per second per
    interval; `backend_health` is `{backend: series}` (1.0 online, 0.5 degraded, 0.0 offline)
    and `queue_size` is `{"pending": series, "processing": series}`, both gauges that honour
    `backend` and the time range only. Without `metric_type` the tree is `{metric_type: tree}`.
    The time range is `[start_time, end_time)`; either bound may be given alone. An
    aggregation reduces each series to one number (0 for an empty series); `rate` is points
    per second between the first and the last point. A response carries at most 250,000
    points; beyond that the answer is 400 and the caller narrows the range or aggregates.

    The reference server keeps per-minute, 10-minute and hourly rollups, so a day costs
    about as much as an hour. `percentile_95` and `percentile_99` of `operation_latency` come
    from log-bucketed histograms: each is within 0.5% (relative) of the exact percentile of
    the same samples, interpolated linearly between the closest ranks (latencies under 1 ns
    count as 1 ns). Every other aggregation is exact.

    Args:
        metric_type (TelemetryMetricType | Unset): A kind of telemetry metric. `x-unit` gives each
            type's unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | MetricsResponse]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        aggregation=aggregation,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType | Unset = UNSET,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> ErrorBody | MetricsResponse | None:
    """Get telemetry metrics

     Returns stored metrics as a tree whose leaves are series (`[timestamp, value]` pairs) or,
    with `aggregation`, single numbers. A filter that matches nothing gives empty series.

    On the reference server: `operation_latency` is `{operation: {backend: series}}` with one
    point per operation, in seconds; `operation_count`, `success_rate` (0-1), `error_rate`
    (0-1) and `retry_count` are `{operation: {backend: series}}` with one point per sampling
    interval (`sampling_interval` seconds, stamped with the interval's start) that has
    operations; `throughput` is `{"overall": series}` in operations finished per second per
    interval; `backend_health` is `{backend: series}` (1.0 online, 0.5 degraded, 0.0 offline)
    and `queue_size` is `{"pending": series, "processing": series}`, both gauges that honour
    `backend` and the time range only. Without `metric_type` the tree is `{metric_type: tree}`.
    The time range is `[start_time, end_time)`; either bound may be given alone. An
    aggregation reduces each series to one number (0 for an empty series); `rate` is points
    per second between the first and the last point. A response carries at most 250,000
    points; beyond that the answer is 400 and the caller narrows the range or aggregates.

    The reference server keeps per-minute, 10-minute and hourly rollups, so a day costs
    about as much as an hour. `percentile_95` and `percentile_99` of `operation_latency` come
    from log-bucketed histograms: each is within 0.5% (relative) of the exact percentile of
    the same samples, interpolated linearly between the closest ranks (latencies under 1 ns
    count as 1 ns). Every other aggregation is exact.

    Args:
        metric_type (TelemetryMetricType | Unset): A kind of telemetry metric. `x-unit` gives each
            type's unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | MetricsResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            metric_type=metric_type,
            operation_type=operation_type,
            backend=backend,
            status=status,
            start_time=start_time,
            end_time=end_time,
            aggregation=aggregation,
        )
    ).parsed
