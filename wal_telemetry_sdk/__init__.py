"""Typed Python SDK for the WAL telemetry API."""

from wal_telemetry_sdk._version import __version__
from wal_telemetry_sdk.async_client import AsyncWALTelemetryClient
from wal_telemetry_sdk.client import WALTelemetryClient
from wal_telemetry_sdk.enums import ReportState, TelemetryAggregation, TelemetryMetricType
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

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncWALTelemetryClient",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReportState",
    "TelemetryAggregation",
    "TelemetryMetricType",
    "UnprocessableEntityError",
    "WALTelemetryClient",
    "WALTelemetryError",
    "__version__",
]
