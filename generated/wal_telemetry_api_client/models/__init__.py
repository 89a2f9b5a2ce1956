"""Contains all the data models used in inputs/outputs"""

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
