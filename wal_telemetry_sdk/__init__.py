"""Typed Python SDK for the WAL telemetry API.

Names are loaded on first use, so `import wal_telemetry_sdk` stays cheap and a sync-only program
never loads the async machinery (asyncio, httpcore's async connections).
"""

from typing import TYPE_CHECKING, Any

from wal_telemetry_sdk._version import __version__

if TYPE_CHECKING:
    from wal_telemetry_sdk._async.client import AsyncWALTelemetryClient
    from wal_telemetry_sdk._async.monitor import AsyncMonitor
    from wal_telemetry_sdk._async.poller import AsyncReportPoller
    from wal_telemetry_sdk._report_progress import ReportProgress
    from wal_telemetry_sdk._schedule import MonitorTick
    from wal_telemetry_sdk._sync.client import WALTelemetryClient
    from wal_telemetry_sdk._sync.monitor import Monitor
    from wal_telemetry_sdk._sync.poller import ReportPoller
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
        ReportFailedError,
        UnprocessableEntityError,
        WALTelemetryError,
    )

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncMonitor",
    "AsyncReportPoller",
    "AsyncWALTelemetryClient",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "Monitor",
    "MonitorTick",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReportFailedError",
    "ReportPoller",
    "ReportProgress",
    "ReportState",
    "TelemetryAggregation",
    "TelemetryMetricType",
    "UnprocessableEntityError",
    "WALTelemetryClient",
    "WALTelemetryError",
    "__version__",
]
_HOMES = {
    "AsyncMonitor": "_async.monitor",
    "AsyncReportPoller": "_async.poller",
    "AsyncWALTelemetryClient": "_async.client",
    "Monitor": "_sync.monitor",
    "MonitorTick": "_schedule",
    "ReportPoller": "_sync.poller",
    "ReportProgress": "_report_progress",
    "WALTelemetryClient": "_sync.client",
    "ReportState": "enums",
    "TelemetryAggregation": "enums",
    "TelemetryMetricType": "enums",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is asked for."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    home = _HOMES.get(name, "errors")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
