from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.telemetry_metric_type import TelemetryMetricType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    metric_type: TelemetryMetricType,
    *,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    width: int | Unset = 12,
    height: int | Unset = 8,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["operation_type"] = operation_type

    params["backend"] = backend

    params["status"] = status

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["width"] = width

    params["height"] = height

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v0/wal/telemetry/visualization/{metric_type}".format(
            metric_type=quote(str(metric_type), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
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

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    metric_type: TelemetryMetricType,
    *,
    client: AuthenticatedClient | Client,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    width: int | Unset = 12,
    height: int | Unset = 8,
) -> Response[ErrorBody | str]:
    """Render a chart of a metric type

     A PNG chart of `width`×`height` inches at 100 dpi. An empty selection gives an empty-state chart.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        width (int | Unset):  Default: 12.
        height (int | Unset):  Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        width=width,
        height=height,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    metric_type: TelemetryMetricType,
    *,
    client: AuthenticatedClient | Client,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    width: int | Unset = 12,
    height: int | Unset = 8,
) -> ErrorBody | str | None:
    """Render a chart of a metric type

     A PNG chart of `width`×`height` inches at 100 dpi. An empty selection gives an empty-state chart.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        width (int | Unset):  Default: 12.
        height (int | Unset):  Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return sync_detailed(
        metric_type=metric_type,
        client=client,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        width=width,
        height=height,
    ).parsed


async def asyncio_detailed(
    metric_type: TelemetryMetricType,
    *,
    client: AuthenticatedClient | Client,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    width: int | Unset = 12,
    height: int | Unset = 8,
) -> Response[ErrorBody | str]:
    """Render a chart of a metric type

     A PNG chart of `width`×`height` inches at 100 dpi. An empty selection gives an empty-state chart.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        width (int | Unset):  Default: 12.
        height (int | Unset):  Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        metric_type=metric_type,
        operation_type=operation_type,
        backend=backend,
        status=status,
        start_time=start_time,
        end_time=end_time,
        width=width,
        height=height,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    metric_type: TelemetryMetricType,
    *,
    client: AuthenticatedClient | Client,
    operation_type: str | Unset = UNSET,
    backend: str | Unset = UNSET,
    status: str | Unset = UNSET,
    start_time: float | Unset = UNSET,
    end_time: float | Unset = UNSET,
    width: int | Unset = 12,
    height: int | Unset = 8,
) -> ErrorBody | str | None:
    """Render a chart of a metric type

     A PNG chart of `width`×`height` inches at 100 dpi. An empty selection gives an empty-state chart.

    Args:
        metric_type (TelemetryMetricType): A kind of telemetry metric. `x-unit` gives each type's
            unit as clients hand it to people
            (`unit`) and as servers send it (`sent-in`); a client converts once, from `sent-in` to
            `unit`. Rates are fractions (0-1) shown to people as percentages.
        operation_type (str | Unset):
        backend (str | Unset):
        status (str | Unset):
        start_time (float | Unset):
        end_time (float | Unset):
        width (int | Unset):  Default: 12.
        height (int | Unset):  Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return (
        await asyncio_detailed(
            metric_type=metric_type,
            client=client,
            operation_type=operation_type,
            backend=backend,
            status=status,
            start_time=start_time,
            end_time=end_time,
            width=width,
            height=height,
        )
    ).parsed
