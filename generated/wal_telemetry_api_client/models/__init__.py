"""Contains all the data models used in inputs/outputs, each imported on first use"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .backend_health import BackendHealth
    from .backend_health_map import BackendHealthMap
    from .backend_state import BackendState
    from .config_response import ConfigResponse
    from .config_update import ConfigUpdate
    from .error_body import ErrorBody
    from .latency_by_key import LatencyByKey
    from .latency_stats import LatencyStats
    from .latency_summary import LatencySummary
    from .metrics_response import MetricsResponse
    from .metrics_tree import MetricsTree
    from .rate_by_key import RateByKey
    from .realtime_metrics import RealtimeMetrics
    from .report_request import ReportRequest
    from .report_response import ReportResponse
    from .report_state import ReportState
    from .report_status import ReportStatus
    from .telemetry_aggregation import TelemetryAggregation
    from .telemetry_config import TelemetryConfig
    from .telemetry_metric_type import TelemetryMetricType
    from .time_bucket import TimeBucket
    from .time_series_response import TimeSeriesResponse
    from .validation_error_item import ValidationErrorItem
    from .value_summary import ValueSummary

__all__ = (
    "BackendHealth",
    "BackendHealthMap",
    "BackendState",
    "ConfigResponse",
    "ConfigUpdate",
    "ErrorBody",
    "LatencyByKey",
    "LatencyStats",
    "LatencySummary",
    "MetricsResponse",
    "MetricsTree",
    "RateByKey",
    "RealtimeMetrics",
    "ReportRequest",
    "ReportResponse",
    "ReportState",
    "ReportStatus",
    "TelemetryAggregation",
    "TelemetryConfig",
    "TelemetryMetricType",
    "TimeBucket",
    "TimeSeriesResponse",
    "ValidationErrorItem",
    "ValueSummary",
)

_HOMES = {
    "BackendHealth": ".backend_health",
    "BackendHealthMap": ".backend_health_map",
    "BackendState": ".backend_state",
    "ConfigResponse": ".config_response",
    "ConfigUpdate": ".config_update",
    "ErrorBody": ".error_body",
    "LatencyByKey": ".latency_by_key",
    "LatencyStats": ".latency_stats",
    "LatencySummary": ".latency_summary",
    "MetricsResponse": ".metrics_response",
    "MetricsTree": ".metrics_tree",
    "RateByKey": ".rate_by_key",
    "RealtimeMetrics": ".realtime_metrics",
    "ReportRequest": ".report_request",
    "ReportResponse": ".report_response",
    "ReportState": ".report_state",
    "ReportStatus": ".report_status",
    "TelemetryAggregation": ".telemetry_aggregation",
    "TelemetryConfig": ".telemetry_config",
    "TelemetryMetricType": ".telemetry_metric_type",
    "TimeBucket": ".time_bucket",
    "TimeSeriesResponse": ".time_series_response",
    "ValidationErrorItem": ".validation_error_item",
    "ValueSummary": ".value_summary",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import the module that defines `name` the first time it is asked for, and keep it."""
        if name not in _HOMES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(_HOMES[name], __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
