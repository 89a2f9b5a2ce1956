"""Generated models to typed results, for both server dialects: the one place of conversion.

The reference server sends the original client's summaries (`operation_latency` in ms,
`success_rate.value`, `report_id`); the upstream ipfs_kit_py server sends only
per-`operation:backend` maps (latency in seconds) and a `report_url`. Derivations, when a
summary is missing:
- `operation_latency`: average = count-weighted mean of the per-key means; minimum/maximum over
  keys; median and percentile_95 copied when there is one key (not derivable across keys);
  percentile_99 unknown.
- `success_rate`/`error_rate`: mean of the per-key rates weighted by the per-key latency counts
  (every finished operation has one latency sample), else a plain mean; `throughput` is a sum.
- `operation_count`: the sum of the per-key latency counts, per key in `by_key`.
- `report_id`: the path segment before the file name in `report_url` (or `report_path`'s last).
A value that cannot be derived is None, never a guess.

Units: every number leaves here in its metric type's unit (`wal_telemetry_sdk.units`, declared
as `x-unit` in openapi.yaml); latency, sent in seconds, becomes milliseconds, in real-time
results, metrics trees and time buckets alike. Nowhere else converts.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar
from urllib.parse import urlsplit

from wal_telemetry_api_client import models as api
from wal_telemetry_api_client.types import UNSET, Unset

from wal_telemetry_sdk._files import checked_file_name
from wal_telemetry_sdk.models import (
    BackendHealth,
    ConfigResult,
    LatencyStats,
    LatencySummary,
    MetricsBucket,
    MetricSeries,
    MetricsResult,
    RealtimeMetrics,
    ReportResult,
    ReportStatusResult,
    TelemetryConfig,
    TimeSeriesResult,
    ValueSummary,
)
from wal_telemetry_sdk.timeseries import iter_leaves
from wal_telemetry_sdk.units import UNITS, unit_of

T = TypeVar("T")

LATENCY_FACTOR = UNITS["operation_latency"].factor


def realtime_from_api(body: api.RealtimeMetrics) -> RealtimeMetrics:
    """Real-time metrics from either dialect, summaries derived where the server left them out."""
    latency = {
        key: _latency_stats(stats) for key, stats in _entries(body.latency, "latency").items()
    }
    counts = {key: stats.count for key, stats in latency.items()}
    return RealtimeMetrics(
        success=_bool(body.success, "success"),
        operation=_string(body.operation, "operation"),
        timestamp=_number(body.timestamp, "timestamp"),
        window_seconds=_number(body.window_seconds, "window_seconds"),
        operation_latency=_latency_summary(body.operation_latency, latency),
        success_rate=_rate(body.success_rate, "success_rate", counts, additive=False),
        error_rate=_rate(body.error_rate, "error_rate", counts, additive=False),
        throughput=_rate(body.throughput, "throughput", counts, additive=True),
        operation_count=_operation_count(body.operation_count, counts),
        queue_size=_rate(body.queue_size, "queue_size", counts, additive=True),
        retry_count=_rate(body.retry_count, "retry_count", counts, additive=True),
        backend_health={
            name: BackendHealth(
                status=_string(health.status, f"backend_health.{name}.status"),
                value=_number(health.value, f"backend_health.{name}.value"),
            )
            for name, health in _entries(body.backend_health, "backend_health").items()
        },
        latency=latency,
        status_distribution=_numbers(body.status_distribution, "status_distribution"),
        extra=body.additional_properties,
    )


def metrics_from_api(body: api.MetricsResponse) -> MetricsResult:
    """Stored metrics: the raw tree, and its leaves as typed series."""
    metric_type = _optional(body.metric_type)
    tree = in_units(body.metrics.to_dict(), metric_type)
    return MetricsResult(
        success=_bool(body.success, "success"),
        operation=_string(body.operation, "operation"),
        timestamp=_number(body.timestamp, "timestamp"),
        metric_type=metric_type,
        aggregation=_optional(body.aggregation),
        metrics=tree,
        series=series_from_tree(tree),
        extra=body.additional_properties,
    )


def series_from_tree(tree: Mapping[str, Any]) -> list[MetricSeries]:
    """Every leaf of a metrics tree as a series: points for a list, one value for a number."""
    series = []
    for labels, leaf in iter_leaves(tree):
        where = "metrics." + ".".join(labels)
        if isinstance(leaf, list):
            series.append(MetricSeries(labels=labels, points=_points(leaf, where)))
        else:
            series.append(MetricSeries(labels=labels, value=_number(leaf, where)))
    return series


def report_from_api(body: api.ReportResponse) -> ReportResult:
    """A started report, with its id taken from `report_url` when the server leaves it out."""
    report_url = _string(body.report_url, "report_url")
    report_path = _string(body.report_path, "report_path")
    report_id = _string(body.report_id, "report_id") or report_id_from(report_url, report_path)
    return ReportResult(
        success=_bool(body.success, "success"),
        operation=_string(body.operation, "operation"),
        timestamp=_number(body.timestamp, "timestamp"),
        report_id=report_id,
        report_path=report_path,
        report_url=report_url,
        status=_optional(body.status),
        extra=body.additional_properties,
    )


def report_status_from_api(body: api.ReportStatus) -> ReportStatusResult:
    """A report's state and files, unknown states kept as strings."""
    if not isinstance(body.files, list | Unset):
        raise TypeError(f"files must be a list, got {type(body.files).__name__}")
    error = _string(body.error, "error")
    return ReportStatusResult(
        success=_optional_bool(body.success, "success"),
        report_id=_required_string(body.report_id, "report_id"),
        status=_required_string(body.status, "status"),
        files=[
            checked_file_name(_required_string(name, "files"))
            for name in _optional(body.files) or []
        ],
        created_at=_number(body.created_at, "created_at"),
        completed_at=_number(body.completed_at, "completed_at"),
        extra=body.additional_properties | ({"error": error} if error else {}),
    )


def time_series_from_api(body: api.TimeSeriesResponse) -> TimeSeriesResult:
    """Server-side buckets; a bucket without a timestamp is stamped at its midpoint."""
    if not isinstance(body.buckets, list):
        raise TypeError(f"buckets must be a list, got {type(body.buckets).__name__}")
    return TimeSeriesResult(
        success=_bool(body.success, "success"),
        operation=_string(body.operation, "operation"),
        timestamp=_number(body.timestamp, "timestamp"),
        metric_type=_optional(body.metric_type),
        aggregation=_optional(body.aggregation),
        start_time=_number(body.start_time, "start_time"),
        end_time=_number(body.end_time, "end_time"),
        step=_number(body.step, "step"),
        buckets=[_bucket(item, _optional(body.metric_type)) for item in body.buckets],
        extra=body.additional_properties,
    )


def _bucket(item: api.TimeBucket, metric_type: object) -> MetricsBucket:
    start = _number(item.start_time, "start_time")
    end = _number(item.end_time, "end_time")
    if start is None or end is None:
        raise ValueError("a time bucket needs start_time and end_time")
    tree = in_units(item.metrics.to_dict(), metric_type)
    return metrics_bucket(start, end, tree, _number(item.timestamp, "timestamp"))


def in_units(tree: dict[str, Any], metric_type: object) -> dict[str, Any]:
    """A metrics tree with its values in the SDK's unit; a tree of every type (no
    `metric_type`) is converted per type. Malformed leaves are left for the checks to name."""
    if metric_type is None:
        return {
            key: in_units(node, key) if key in UNITS and isinstance(node, dict) else node
            for key, node in tree.items()
        }
    unit = unit_of(metric_type)
    if unit is None or unit.factor == 1.0:
        return tree
    return _scaled(tree, unit.factor)  # type: ignore[no-any-return]


def _scaled(node: Any, factor: float) -> Any:
    if isinstance(node, dict):
        return {key: _scaled(child, factor) for key, child in node.items()}
    if isinstance(node, list):
        return [_scaled_point(point, factor) for point in node]
    if type(node) in (int, float):
        return node * factor
    return node


def _scaled_point(point: Any, factor: float) -> Any:
    if isinstance(point, list) and len(point) == 2 and type(point[1]) in (int, float):
        return [point[0], point[1] * factor]
    return point


def metrics_bucket(
    start: float, end: float, tree: dict[str, Any], timestamp: float | None = None
) -> MetricsBucket:
    """One time bucket with its series, stamped at `timestamp` or else at its midpoint."""
    stamp = (start + end) / 2 if timestamp is None else timestamp
    return MetricsBucket(start, end, stamp, tree, series_from_tree(tree))


def report_id_from(report_url: str | None, report_path: str | None) -> str | None:
    """The report id: the segment before the file name in the URL, else the folder's name."""
    if report_url:
        folder = PurePosixPath(urlsplit(report_url).path).parent.name
        if folder:
            return folder
    if report_path:
        return PurePosixPath(report_path.replace("\\", "/").rstrip("/")).name or None
    return None


def config_from_api(body: api.ConfigResponse) -> ConfigResult:
    """The telemetry settings; upstream leaves `enabled` out, which stays None."""
    config = body.config
    return ConfigResult(
        success=_bool(body.success, "success"),
        operation=_string(body.operation, "operation"),
        timestamp=_number(body.timestamp, "timestamp"),
        config=TelemetryConfig(
            enabled=_optional_bool(config.enabled, "config.enabled"),
            metrics_path=_string(config.metrics_path, "config.metrics_path"),
            retention_days=_integer(config.retention_days, "config.retention_days"),
            sampling_interval=_integer(config.sampling_interval, "config.sampling_interval"),
            enable_detailed_timing=_optional_bool(
                config.enable_detailed_timing, "config.enable_detailed_timing"
            ),
            operation_hooks=_optional_bool(config.operation_hooks, "config.operation_hooks"),
            extra=config.additional_properties,
        ),
        warning=_string(body.warning, "warning"),
        extra=body.additional_properties,
    )


def _latency_stats(stats: api.LatencyStats) -> LatencyStats:
    return LatencyStats(
        mean=_milliseconds(_number(stats.mean, "latency.mean")),
        median=_milliseconds(_number(stats.median, "latency.median")),
        min=_milliseconds(_number(stats.min_, "latency.min")),
        max=_milliseconds(_number(stats.max_, "latency.max")),
        percentile_95=_milliseconds(_number(stats.percentile_95, "latency.percentile_95")),
        count=_number(stats.count, "latency.count") or 0.0,
    )


def _latency_summary(
    summary: api.LatencySummary | Unset, per_key: Mapping[str, LatencyStats]
) -> LatencySummary:
    if not isinstance(summary, Unset):
        return LatencySummary(
            average=_number(summary.average, "operation_latency.average"),
            median=_number(summary.median, "operation_latency.median"),
            minimum=_number(summary.minimum, "operation_latency.minimum"),
            maximum=_number(summary.maximum, "operation_latency.maximum"),
            percentile_95=_number(summary.percentile_95, "operation_latency.percentile_95"),
            percentile_99=_number(summary.percentile_99, "operation_latency.percentile_99"),
            count=_integer(summary.count, "operation_latency.count") or 0,
        )
    measured = [stats for stats in per_key.values() if stats.count > 0 and stats.mean is not None]
    total = sum(stats.count for stats in measured)
    if not total:
        return LatencySummary()
    only = measured[0] if len(measured) == 1 else None
    return LatencySummary(
        average=sum(s.count * (s.mean or 0.0) for s in measured) / total,
        median=only.median if only else None,
        minimum=min((s.min for s in measured if s.min is not None), default=None),
        maximum=max((s.max for s in measured if s.max is not None), default=None),
        percentile_95=only.percentile_95 if only else None,
        count=round(total),
    )


def _rate(
    field: api.ValueSummary | api.RateByKey | Unset,
    name: str,
    counts: Mapping[str, float],
    *,
    additive: bool,
) -> ValueSummary:
    if isinstance(field, api.ValueSummary):
        return ValueSummary(_number(field.value, f"{name}.value"), _numbers(field.by_key, name))
    by_key = _numbers(field, name)
    if not by_key:
        return ValueSummary(None, by_key)
    if additive:
        return ValueSummary(sum(by_key.values()), by_key)
    weights = [counts.get(key, 0.0) for key in by_key]
    if all(weight > 0 for weight in weights):
        weighted = sum(rate * weight for rate, weight in zip(by_key.values(), weights, strict=True))
        return ValueSummary(weighted / sum(weights), by_key)
    return ValueSummary(sum(by_key.values()) / len(by_key), by_key)


def _operation_count(field: api.ValueSummary | Unset, counts: Mapping[str, float]) -> ValueSummary:
    if not isinstance(field, Unset) or not counts:
        return _rate(field, "operation_count", counts, additive=True)
    return ValueSummary(sum(counts.values()), dict(counts))


def _entries(field: Any, name: str) -> dict[str, Any]:
    if field is None or isinstance(field, Unset):
        return {}
    entries = getattr(field, "additional_properties", field)
    if not isinstance(entries, dict):
        raise TypeError(f"{name} is not an object")
    return entries


def _numbers(field: Any, name: str) -> dict[str, float]:
    entries = _entries(field, name)
    for value in entries.values():
        if type(value) is not float:  # rare: ints, nulls or garbage; check each one
            return {key: _number(value, name, key) or 0.0 for key, value in entries.items()}
    return dict(entries)


def _optional(value: T | Unset | None) -> T | None:
    return None if isinstance(value, Unset) else value


def _number(value: object, name: str, key: str | None = None) -> float | None:
    """A JSON number as a float (None when absent); the field's name is only built for errors."""
    if type(value) is float:  # exact types: fast, and refuses booleans
        return value
    if type(value) is int:
        return float(value)
    if value is None or value is UNSET:
        return None
    where = name if key is None else f"{name}.{key}"
    raise TypeError(f"{where} is not a number: {value!r}")


def _integer(value: object, name: str) -> int | None:
    number = _number(value, name)
    if number is None:
        return None
    if not number.is_integer():
        raise TypeError(f"{name} is not a whole number: {value!r}")
    return int(number)


def _string(value: object, name: str) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} is not a string: {value!r}")
    return value


def _optional_bool(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, Unset):
        return None
    if not isinstance(value, bool):
        raise TypeError(f"{name} is not true or false: {value!r}")
    return value


def _required_string(value: object, name: str) -> str:
    text = _string(value, name)
    if text is None:
        raise ValueError(f"{name} is missing")
    return text


def _bool(value: object, name: str) -> bool:
    result = _optional_bool(value, name)
    if result is None:
        raise KeyError(name)
    return result


def _milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * LATENCY_FACTOR


def _points(leaf: list[Any], where: str) -> list[list[float]]:
    """`[timestamp, value]` pairs as they came, once checked; pairs with ints become floats.

    The check of well-formed float pairs runs in C (`map` over builtins), so large series stay
    cheap; anything else takes the slow path that converts ints and names the broken point.
    """
    if (
        set(map(type, leaf)) <= {list}
        and set(map(len, leaf)) <= {2}
        and set(map(type, itertools.chain.from_iterable(leaf))) <= {float}
    ):
        return leaf
    return [[_point_part(p, 0, where), _point_part(p, 1, where)] for p in leaf]


def _point_part(point: object, index: int, where: str) -> float:
    if not isinstance(point, list | tuple) or len(point) != 2:
        raise TypeError(f"{where} has a point that is not [timestamp, value]: {point!r}")
    number = _number(point[index], where)
    if number is None:
        raise TypeError(f"{where} has a point with a null part: {point!r}")
    return number
