from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.report_request import ReportRequest
from ...models.report_response import ReportResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ReportRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v0/wal/telemetry/report",
    }

    if not isinstance(body, Unset):
        _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ReportResponse | None:
    if response.status_code == 200:
        response_200 = ReportResponse.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorBody.from_dict(response.json())

        return response_500

    if response.status_code == 507:
        response_507 = ErrorBody.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | ReportResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ReportRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorBody | ReportResponse]:
    """Generate a performance report

     Starts writing a report (HTML, JSON and charts) for a time range. The files appear in the
    background: poll the report status (reference server) or the report's `report.html`.
    With an `Idempotency-Key`, a retry of the same request returns the first answer instead
    of starting a second report; a server that honours keys echoes the header.

    Args:
        idempotency_key (str | Unset):
        body (ReportRequest | Unset): The time range a report covers (the last 24 hours when left
            out), and the thresholds its summary judges backends and operations by (the server's
            defaults when left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ReportResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ReportRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorBody | ReportResponse | None:
    """Generate a performance report

     Starts writing a report (HTML, JSON and charts) for a time range. The files appear in the
    background: poll the report status (reference server) or the report's `report.html`.
    With an `Idempotency-Key`, a retry of the same request returns the first answer instead
    of starting a second report; a server that honours keys echoes the header.

    Args:
        idempotency_key (str | Unset):
        body (ReportRequest | Unset): The time range a report covers (the last 24 hours when left
            out), and the thresholds its summary judges backends and operations by (the server's
            defaults when left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ReportResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ReportRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorBody | ReportResponse]:
    """Generate a performance report

     Starts writing a report (HTML, JSON and charts) for a time range. The files appear in the
    background: poll the report status (reference server) or the report's `report.html`.
    With an `Idempotency-Key`, a retry of the same request returns the first answer instead
    of starting a second report; a server that honours keys echoes the header.

    Args:
        idempotency_key (str | Unset):
        body (ReportRequest | Unset): The time range a report covers (the last 24 hours when left
            out), and the thresholds its summary judges backends and operations by (the server's
            defaults when left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ReportResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ReportRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ErrorBody | ReportResponse | None:
    """Generate a performance report

     Starts writing a report (HTML, JSON and charts) for a time range. The files appear in the
    background: poll the report status (reference server) or the report's `report.html`.
    With an `Idempotency-Key`, a retry of the same request returns the first answer instead
    of starting a second report; a server that honours keys echoes the header.

    Args:
        idempotency_key (str | Unset):
        body (ReportRequest | Unset): The time range a report covers (the last 24 hours when left
            out), and the thresholds its summary judges backends and operations by (the server's
            defaults when left out).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ReportResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
