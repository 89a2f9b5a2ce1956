from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.telemetry_aggregation import TelemetryAggregation
from ...models.telemetry_metric_type import TelemetryMetricType
from ...models.time_series_response import TimeSeriesResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    metric_type: TelemetryMetricType,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    step: float,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_metric_type = metric_type.value
    params["metric_type"] = json_metric_type

    params["operation_type"] = operation_type

    params["backend"] = backend

    params["status"] = status

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["step"] = step

    json_aggregation: str | Unset = UNSET
    if not isinstance(aggregation, Unset):
        json_aggregation = aggregation.value

    params["aggregation"] = json_aggregation

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v0/wal/telemetry/timeseries",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TimeSeriesResponse | None:
    if response.status_code == 200:
        response_200 = TimeSeriesResponse.from_dict(response.json())

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
) -> Response[ErrorBody | TimeSeriesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    step: float,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> Response[ErrorBody | TimeSeriesResponse]:
    """Get a metric bucketed over time

     One aggregated metrics tree per time bucket of `step` seconds between `start_time` and
    `end_time`, computed in one request. Clients fall back to one `getMetrics` request per
    bucket where this operation is missing. Each bucket's tree is what `getMetrics` gives for
    the bucket's `[start_time, end_time)` with the same aggregation. At most 10,000 buckets
    (400 beyond) and 250,000 leaves per response.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float):
        end_time (float):
        step (float):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TimeSeriesResponse]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        step=step,
        aggregation=aggregation,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    step: float,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> ErrorBody | TimeSeriesResponse | None:
    """Get a metric bucketed over time

     One aggregated metrics tree per time bucket of `step` seconds between `start_time` and
    `end_time`, computed in one request. Clients fall back to one `getMetrics` request per
    bucket where this operation is missing. Each bucket's tree is what `getMetrics` gives for
    the bucket's `[start_time, end_time)` with the same aggregation. At most 10,000 buckets
    (400 beyond) and 250,000 leaves per response.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float):
        end_time (float):
        step (float):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TimeSeriesResponse
    """

    return sync_detailed(
        client=client,
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        step=step,
        aggregation=aggregation,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    step: float,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> Response[ErrorBody | TimeSeriesResponse]:
    """Get a metric bucketed over time

     One aggregated metrics tree per time bucket of `step` seconds between `start_time` and
    `end_time`, computed in one request. Clients fall back to one `getMetrics` request per
    bucket where this operation is missing. Each bucket's tree is what `getMetrics` gives for
    the bucket's `[start_time, end_time)` with the same aggregation. At most 10,000 buckets
    (400 beyond) and 250,000 leaves per response.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float):
        end_time (float):
        step (float):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TimeSeriesResponse]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        step=step,
        aggregation=aggregation,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    metric_type: TelemetryMetricType,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    step: float,
    aggregation: TelemetryAggregation | Unset = UNSET,
) -> ErrorBody | TimeSeriesResponse | None:
    """Get a metric bucketed over time

     One aggregated metrics tree per time bucket of `step` seconds between `start_time` and
    `end_time`, computed in one request. Clients fall back to one `getMetrics` request per
    bucket where this operation is missing. Each bucket's tree is what `getMetrics` gives for
    the bucket's `[start_time, end_time)` with the same aggregation. At most 10,000 buckets
    (400 beyond) and 250,000 leaves per response.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float):
        end_time (float):
        step (float):
        aggregation (TelemetryAggregation | Unset): How a series is reduced to one number. On the
            reference server, latency percentiles are
            within 0.5% (relative) of the exact value; every other aggregation is exact.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TimeSeriesResponse
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
            step=step,
            aggregation=aggregation,
        )
    ).parsed
