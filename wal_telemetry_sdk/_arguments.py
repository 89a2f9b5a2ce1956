"""Arguments to request parameters, validated before anything is sent; shared by both clients."""

import math
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Required, TypedDict

import httpx
from wal_telemetry_api_client.models.config_update import ConfigUpdate
from wal_telemetry_api_client.models.report_request import ReportRequest
from wal_telemetry_api_client.types import UNSET

from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType, coerce_enum

Timestamp = float | int | datetime
TimeRange = tuple[Timestamp, Timestamp]

API_PREFIX = "/api/v0/wal/telemetry"
DAY = 24 * 60 * 60
CHART_INCHES = range(1, 41)
CONFIG_LIMITS = {"retention_days": range(1, 3651), "sampling_interval": range(1, 86401)}


class Filters(TypedDict, total=False):
    """The filter parameters of the generated metrics, chart and time-series calls."""

    operation_type: str
    backend: str
    status: str


class MetricsQuery(Filters, total=False):
    """Keyword arguments of the generated `get_metrics` call."""

    metric_type: TelemetryMetricType
    aggregation: TelemetryAggregation
    start_time: float
    end_time: float


class VisualizationQuery(Filters, total=False):
    """Keyword arguments of the generated `get_visualization` call."""

    metric_type: Required[TelemetryMetricType]
    width: int
    height: int
    start_time: float
    end_time: float


class TimeSeriesQuery(Filters):
    """Keyword arguments of the generated `get_time_series` call."""

    metric_type: TelemetryMetricType
    start_time: float
    end_time: float
    step: float
    aggregation: TelemetryAggregation


def timestamp(value: object, name: str) -> float:
    """Unix seconds from a number or a `datetime` (naive ones are local time)."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a Unix timestamp (a number) or a datetime, got {value!r}")
    return float(value)


def time_range(value: object, name: str = "time_range") -> tuple[float, float] | None:
    """`(start, end)` in Unix seconds, or None; end before start is refused."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{name} must be a (start_time, end_time) pair, got {value!r}")
    return ordered(timestamp(value[0], "start_time"), timestamp(value[1], "end_time"))


def ordered(start: float, end: float) -> tuple[float, float]:
    """`(start, end)` unchanged, or `ValueError` when the range ends before it starts."""
    if end < start:
        raise ValueError(f"end_time ({end}) is before start_time ({start})")
    return start, end


def optional_text(value: object, name: str) -> str | None:
    """A filter such as `operation_type`: None or a non-empty string."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def add_filters(params: Filters, operation_type: object, backend: object, status: object) -> None:
    """Add the filters shared by metrics, chart and time-series requests (None left out)."""
    if (text := optional_text(operation_type, "operation_type")) is not None:
        params["operation_type"] = text
    if (text := optional_text(backend, "backend")) is not None:
        params["backend"] = text
    if (text := optional_text(status, "status")) is not None:
        params["status"] = text


def metrics_query(
    metric_type: TelemetryMetricType | str | None,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
    window: tuple[float, float] | None,
    aggregation: TelemetryAggregation | str | None,
) -> MetricsQuery:
    """Keyword arguments for the generated `get_metrics` call."""
    params = MetricsQuery()
    add_filters(params, operation_type, backend, status)
    if window is not None:
        params["start_time"], params["end_time"] = window
    if metric_type is not None:
        params["metric_type"] = coerce_enum(metric_type, TelemetryMetricType, "metric_type")
    if aggregation is not None:
        params["aggregation"] = coerce_enum(aggregation, TelemetryAggregation, "aggregation")
    return params


def visualization_query(
    metric_type: TelemetryMetricType | str,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
    window: tuple[float, float] | None,
    width: int,
    height: int,
) -> VisualizationQuery:
    """Keyword arguments for the generated `get_visualization` call."""
    query = VisualizationQuery(
        metric_type=coerce_enum(metric_type, TelemetryMetricType, "metric_type"),
        width=_whole_in(width, CHART_INCHES, "width"),
        height=_whole_in(height, CHART_INCHES, "height"),
    )
    add_filters(query, operation_type, backend, status)
    if window is not None:
        query["start_time"], query["end_time"] = window
    return query


def time_series_query(
    metric_type: TelemetryMetricType | str,
    start_time: Timestamp,
    end_time: Timestamp,
    step: float,
    aggregation: TelemetryAggregation | str,
    operation_type: str | None,
    backend: str | None,
    status: str | None,
) -> TimeSeriesQuery:
    """Keyword arguments for the generated `get_time_series` call."""
    start, end = ordered(timestamp(start_time, "start_time"), timestamp(end_time, "end_time"))
    if isinstance(step, bool) or not isinstance(step, int | float) or not step >= 1:
        raise ValueError(f"step must be a number of seconds >= 1, got {step!r}")
    query = TimeSeriesQuery(
        metric_type=coerce_enum(metric_type, TelemetryMetricType, "metric_type"),
        start_time=start,
        end_time=end,
        step=float(step),
        aggregation=coerce_enum(aggregation, TelemetryAggregation, "aggregation"),
    )
    add_filters(query, operation_type, backend, status)
    return query


def report_request(
    start_time: Timestamp | None, end_time: Timestamp | None, **thresholds: float | None
) -> ReportRequest:
    """The report's time range (as in the original client, the 24 hours up to now by default)
    and the thresholds its summary judges by (None: the server's default)."""
    end = time.time() if end_time is None else timestamp(end_time, "end_time")
    start = end - DAY if start_time is None else timestamp(start_time, "start_time")
    start, end = ordered(start, end)
    checked = {
        name: _threshold(value, name, 1.0 if name == "min_success_rate" else math.inf)
        for name, value in thresholds.items()
        if value is not None
    }
    return ReportRequest(start_time=start, end_time=end, **checked)


def _threshold(value: object, name: str, highest: float) -> float:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not (math.isfinite(number) and 0 <= number <= highest):
        bound = f"from 0 to {highest:g}" if math.isfinite(highest) else ">= 0"
        raise ValueError(f"{name} must be a number {bound}, got {value!r}")
    return float(number)


def config_update(**settings: Any) -> ConfigUpdate:
    """The settings to change (None means keep), type- and range-checked as the spec says."""
    checked: dict[str, Any] = {}
    for name, value in settings.items():
        if value is None:
            continue
        if name == "metrics_path":
            checked[name] = _text_up_to(value, 1024, name)
        elif name in CONFIG_LIMITS:
            checked[name] = _whole_in(value, CONFIG_LIMITS[name], name)
        elif isinstance(value, bool):
            checked[name] = value
        else:
            raise ValueError(f"{name} must be True or False, got {value!r}")
    return ConfigUpdate(**{name: checked.get(name, UNSET) for name in settings})


def _whole_in(value: object, allowed: range, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise ValueError(
            f"{name} must be a whole number from {allowed.start} to {allowed.stop - 1}, "
            f"got {value!r}"
        )
    return value


def _text_up_to(value: object, limit: int, name: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise ValueError(f"{name} must be a string of 1 to {limit} characters, got {value!r}")
    return value


def absolute_url(base_url: str, url: str) -> str:
    """`url` resolved against the server's base URL (servers send report URLs as paths)."""
    return str(httpx.URL(base_url + "/").join(url))


def report_file_url(base_url: str, report_id: str, file_name: str) -> str:
    """Where a report file is served; both parts must already be checked path segments."""
    return f"{base_url}{API_PREFIX}/reports/{report_id}/{file_name}"


def visualization_url(base_url: str, query: Mapping[str, object]) -> str:
    """The chart's URL with its query, as a browser would fetch it."""
    params = {key: str(value) for key, value in query.items() if key != "metric_type"}
    url = httpx.URL(f"{base_url}{API_PREFIX}/visualization/{query['metric_type']}", params=params)
    return str(url)
