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

import functools
import itertools
from collections.abc import Mapping
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any, TypeVar
from urllib.parse import urlsplit

import attrs
from wal_telemetry_api_client import models as api

from wal_telemetry_sdk._bodies import series_decoder
from wal_telemetry_sdk._files import checked_file_name
from wal_telemetry_sdk.enums import ReportState, TelemetryAggregation, TelemetryMetricType
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
from wal_telemetry_sdk.units import UNITS, unit_of

E = TypeVar("E", bound=StrEnum)
Body = dict[str, Any]

LATENCY_FACTOR = UNITS["operation_latency"].factor


@functools.cache
def declared_keys(model: type) -> frozenset[str]:
    """The JSON keys a generated model declares: what is not one of them is an extra field.
    Read on a call's first response, so a call loads only the models of what it reads.

    The generator names a field after its key, with "_" appended where the key is a Python
    builtin (`min` -> `min_`).
    """
    return frozenset(
        field.name.removesuffix("_")
        for field in attrs.fields(model)
        if field.name != "additional_properties"
    )


def realtime_from_json(body: Body) -> RealtimeMetrics:
    """Real-time metrics from either dialect, summaries derived where the server left them out."""
    body = _object(body, "the body")
    latency = {
        key: _latency_stats(stats, key)
        for key, stats in _object(body.get("latency", {}), "latency").items()
    }
    counts = {key: stats.count for key, stats in latency.items()}
    return RealtimeMetrics(
        success=_bool(body["success"], "success"),
        operation=_string(body.get("operation"), "operation"),
        timestamp=_number(body.get("timestamp"), "timestamp"),
        window_seconds=_number(body.get("window_seconds"), "window_seconds"),
        operation_latency=_latency_summary(body, latency),
        success_rate=_rate(body, "success_rate", counts, additive=False),
        error_rate=_rate(body, "error_rate", counts, additive=False),
        throughput=_rate(body, "throughput", counts, additive=True),
        operation_count=_operation_count(body, counts),
        queue_size=_summary(body, "queue_size"),
        retry_count=_summary(body, "retry_count"),
        backend_health={
            name: _backend_health(health, name)
            for name, health in _object(body.get("backend_health", {}), "backend_health").items()
        },
        latency=latency,
        status_distribution=_numbers(body.get("status_distribution", {}), "status_distribution"),
        extra=_extra(body, api.RealtimeMetrics),
    )


def metrics_from_json(body: Body, *, points_checked: bool = False) -> MetricsResult:
    """Stored metrics: the raw tree, and its leaves as typed series.

    `points_checked`: every series is already known to hold `[float, float]` lists.
    """
    body = _object(body, "the body")
    success = _bool(body["success"], "success")
    metric_type = _open_enum(body.get("metric_type"), TelemetryMetricType)
    tree, series = _tree_in_units(_object(body["metrics"], "metrics"), metric_type, points_checked)
    return MetricsResult(
        success=success,
        operation=_string(body.get("operation"), "operation"),
        timestamp=_number(body.get("timestamp"), "timestamp"),
        metric_type=metric_type,
        aggregation=_open_enum(body.get("aggregation"), TelemetryAggregation),
        metrics=tree,
        series=series,
        extra=_extra(body, api.MetricsResponse),
    )


def metrics_from_series_body(content: bytes) -> MetricsResult | None:
    """Stored metrics straight from a body of point series, its points checked while it was
    decoded (extra `[fast]`); None for any other body, which `metrics_from_json` then takes."""
    decode = series_decoder()
    body = None if decode is None else decode(content)
    return None if body is None else metrics_from_json(body, points_checked=True)


def report_from_json(body: Body) -> ReportResult:
    """A started report, with its id taken from `report_url` when the server leaves it out."""
    body = _object(body, "the body")
    success = _bool(body["success"], "success")
    report_url = _string(body.get("report_url"), "report_url")
    report_path = _string(body.get("report_path"), "report_path")
    report_id = _string(body.get("report_id"), "report_id") or report_id_from(
        report_url, report_path
    )
    return ReportResult(
        success=success,
        operation=_string(body.get("operation"), "operation"),
        timestamp=_number(body.get("timestamp"), "timestamp"),
        report_id=report_id,
        report_path=report_path,
        report_url=report_url,
        status=_open_enum(body.get("status"), ReportState),
        extra=_extra(body, api.ReportResponse),
    )


def report_status_from_json(body: Body) -> ReportStatusResult:
    """A report's state and files, unknown states kept as strings."""
    body = _object(body, "the body")
    report_id = _required_string(body["report_id"], "report_id")
    status = _required_string(_open_enum(body["status"], ReportState), "status")
    files = body.get("files", [])
    if not isinstance(files, list):
        raise TypeError(f"files must be a list, got {type(files).__name__}")
    error = _string(body.get("error"), "error")
    return ReportStatusResult(
        success=_optional_bool(body.get("success"), "success"),
        report_id=report_id,
        status=status,
        files=[checked_file_name(_required_string(name, "files")) for name in files],
        created_at=_number(body.get("created_at"), "created_at"),
        completed_at=_number(body.get("completed_at"), "completed_at"),
        extra=_extra(body, api.ReportStatus) | ({"error": error} if error else {}),
    )


def time_series_from_json(body: Body) -> TimeSeriesResult:
    """Server-side buckets; a bucket without a timestamp is stamped at its midpoint."""
    body = _object(body, "the body")
    success = _bool(body["success"], "success")
    buckets = body["buckets"]
    if not isinstance(buckets, list):
        raise TypeError(f"buckets must be a list, got {type(buckets).__name__}")
    metric_type = _open_enum(body.get("metric_type"), TelemetryMetricType)
    return TimeSeriesResult(
        success=success,
        operation=_string(body.get("operation"), "operation"),
        timestamp=_number(body.get("timestamp"), "timestamp"),
        metric_type=metric_type,
        aggregation=_open_enum(body.get("aggregation"), TelemetryAggregation),
        start_time=_number(body.get("start_time"), "start_time"),
        end_time=_number(body.get("end_time"), "end_time"),
        step=_number(body.get("step"), "step"),
        buckets=[_bucket(item, metric_type) for item in buckets],
        extra=_extra(body, api.TimeSeriesResponse),
    )


def _bucket(item: object, metric_type: object) -> MetricsBucket:
    item = _object(item, "a time bucket")
    start = _number(item["start_time"], "start_time")
    end = _number(item["end_time"], "end_time")
    tree = _object(item["metrics"], "metrics")
    if start is None or end is None:
        raise ValueError("a time bucket needs start_time and end_time")
    at = _number(item.get("timestamp"), "timestamp")
    return metrics_bucket(start, end, *_tree_in_units(tree, metric_type, False), at)


def _tree_in_units(
    tree: Body, metric_type: object, points_checked: bool
) -> tuple[dict[str, Any], list[MetricSeries]]:
    """A metrics tree in the SDK's units, and its leaves as series, in one walk that checks
    every leaf; a tree of every type (no `metric_type`) is converted per type.

    Series are scaled in place: the decoded body is this call's alone, and a new list per point
    would cost far more for a day of points.
    """
    series: list[MetricSeries] = []
    if metric_type is not None:
        unit = unit_of(metric_type)
        factor = 1.0 if unit is None else unit.factor
        return _walk(tree, (), factor, series, points_checked), series
    converted: dict[str, Any] = {}
    for key, node in tree.items():
        factor = UNITS[key].factor if key in UNITS and isinstance(node, dict) else 1.0
        converted |= _walk({key: node}, (), factor, series, points_checked)
    return converted, series


def _walk(
    node: Mapping[str, Any],
    labels: tuple[str, ...],
    factor: float,
    series: list[MetricSeries],
    points_checked: bool,
) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, child in node.items():
        path = (*labels, str(key))
        if isinstance(child, Mapping):
            converted[key] = _walk(child, path, factor, series, points_checked)
            continue
        where = "metrics." + ".".join(path)
        if isinstance(child, list):
            points = child if points_checked else _points(child, where)
            if factor != 1.0:
                for point in points:
                    point[1] *= factor
            series.append(MetricSeries(labels=path, points=points))
            converted[key] = points
        else:
            if type(child) in (int, float) and factor != 1.0:
                child = child * factor
            series.append(MetricSeries(labels=path, value=_number(child, where)))
            converted[key] = child
    return converted


def metrics_bucket(
    start: float,
    end: float,
    tree: dict[str, Any],
    series: list[MetricSeries],
    timestamp: float | None = None,
) -> MetricsBucket:
    """One time bucket with its (already checked) series, stamped at `timestamp` or else at its
    midpoint."""
    stamp = (start + end) / 2 if timestamp is None else timestamp
    return MetricsBucket(start, end, stamp, tree, series)


def report_id_from(report_url: str | None, report_path: str | None) -> str | None:
    """The report id: the segment before the file name in the URL, else the folder's name."""
    if report_url:
        folder = PurePosixPath(urlsplit(report_url).path).parent.name
        if folder:
            return folder
    if report_path:
        return PurePosixPath(report_path.replace("\\", "/").rstrip("/")).name or None
    return None


def config_from_json(body: Body) -> ConfigResult:
    """The telemetry settings; upstream leaves `enabled` out, which stays None."""
    body = _object(body, "the body")
    success = _bool(body["success"], "success")
    config = _object(body["config"], "config")
    return ConfigResult(
        success=success,
        operation=_string(body.get("operation"), "operation"),
        timestamp=_number(body.get("timestamp"), "timestamp"),
        config=TelemetryConfig(
            enabled=_optional_bool(config.get("enabled"), "config.enabled"),
            metrics_path=_string(config.get("metrics_path"), "config.metrics_path"),
            retention_days=_integer(config.get("retention_days"), "config.retention_days"),
            sampling_interval=_integer(config.get("sampling_interval"), "config.sampling_interval"),
            enable_detailed_timing=_optional_bool(
                config.get("enable_detailed_timing"), "config.enable_detailed_timing"
            ),
            operation_hooks=_optional_bool(config.get("operation_hooks"), "config.operation_hooks"),
            extra=_extra(config, api.TelemetryConfig),
        ),
        warning=_string(body.get("warning"), "warning"),
        extra=_extra(body, api.ConfigResponse),
    )


def _latency_stats(stats: object, key: str) -> LatencyStats:
    get = _object(stats, "latency", key).get
    mean, median, low, high, p95 = map(get, ("mean", "median", "min", "max", "percentile_95"))
    count = _number(get("count"), "latency.count") or 0.0
    if type(mean) is type(median) is type(low) is type(high) is type(p95) is float:  # the usual
        f = LATENCY_FACTOR
        return LatencyStats(mean * f, median * f, low * f, high * f, p95 * f, count)
    return LatencyStats(
        mean=_milliseconds(get("mean"), "latency.mean"),
        median=_milliseconds(get("median"), "latency.median"),
        min=_milliseconds(get("min"), "latency.min"),
        max=_milliseconds(get("max"), "latency.max"),
        percentile_95=_milliseconds(get("percentile_95"), "latency.percentile_95"),
        count=count,
    )


def _latency_summary(body: Body, per_key: Mapping[str, LatencyStats]) -> LatencySummary:
    if "operation_latency" in body:
        summary = _object(body["operation_latency"], "operation_latency")
        return LatencySummary(
            average=_number(summary.get("average"), "operation_latency.average"),
            median=_number(summary.get("median"), "operation_latency.median"),
            minimum=_number(summary.get("minimum"), "operation_latency.minimum"),
            maximum=_number(summary.get("maximum"), "operation_latency.maximum"),
            percentile_95=_number(summary.get("percentile_95"), "operation_latency.percentile_95"),
            percentile_99=_number(summary.get("percentile_99"), "operation_latency.percentile_99"),
            count=_integer(summary.get("count"), "operation_latency.count") or 0,
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


def _rate(body: Body, name: str, counts: Mapping[str, float], *, additive: bool) -> ValueSummary:
    """`body[name]`: a summary `{"value", "by_key"}` as sent, or derived from a per-key map."""
    if name not in body:
        return ValueSummary(None, {})
    field = _object(body[name], name)
    if "value" in field and isinstance(field.get("by_key", {}), dict):
        return _summary(body, name)
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


def _summary(body: Body, name: str) -> ValueSummary:
    """`body[name]`, a `{"value", "by_key"}` summary whose `value` is required (may be null)."""
    if name not in body:
        return ValueSummary(None, {})
    field = _object(body[name], name)
    value = _number(field["value"], f"{name}.value")
    return ValueSummary(value, _numbers(field.get("by_key", {}), name))


def _operation_count(body: Body, counts: Mapping[str, float]) -> ValueSummary:
    if "operation_count" in body or not counts:
        return _summary(body, "operation_count")
    return ValueSummary(sum(counts.values()), dict(counts))


def _backend_health(health: object, name: str) -> BackendHealth:
    health = _object(health, "backend_health", name)
    value = health["value"]
    status = _open_enum(health.get("status"), api.BackendState)
    if status is not None and not isinstance(status, str):
        raise TypeError(f"backend_health.{name}.status is not a string: {status!r}")
    return BackendHealth(status=status, value=_number(value, "backend_health", f"{name}.value"))


def _object(value: object, name: str, key: str | None = None) -> Body:
    """`value`, a JSON object; the field's name is only built for errors."""
    if type(value) is not dict:
        where = name if key is None else f"{name}.{key}"
        raise TypeError(f"{where} is not an object: {value!r:.80}")
    return value


def _extra(body: Body, model: type) -> dict[str, Any]:
    """The fields of `body` that `model`'s schema does not declare, kept for forward
    compatibility."""
    declared = declared_keys(model)
    return {key: value for key, value in body.items() if key not in declared}


def _numbers(field: object, name: str) -> dict[str, float]:
    """A map of numbers as floats (a null is 0.0); the decoded map itself when all are floats."""
    entries = _object(field, name)
    kinds = set(map(type, entries.values()))  # in C: exact types, so booleans are not numbers
    if kinds <= {float}:
        return entries
    if kinds <= {float, int}:
        return {key: float(value) for key, value in entries.items()}
    return {key: _number(value, name, key) or 0.0 for key, value in entries.items()}


def _open_enum(value: Any, enum: type[E]) -> E | Any:
    """A member of `enum` for a known string; anything else as it came (an open enum)."""
    if type(value) is str:
        return enum._value2member_map_.get(value, value)
    return value


def _number(value: object, name: str, key: str | None = None) -> float | None:
    """A JSON number as a float (None when absent); the field's name is only built for errors."""
    if type(value) is float:  # exact types: fast, and refuses booleans
        return value
    if type(value) is int:
        return float(value)
    if value is None:
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
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} is not a string: {value!r}")
    return value


def _optional_bool(value: object, name: str) -> bool | None:
    if value is None:
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


def _milliseconds(seconds: object, name: str) -> float | None:
    """A latency sent in seconds, in milliseconds."""
    if type(seconds) is float:
        return seconds * LATENCY_FACTOR
    number = _number(seconds, name)
    return None if number is None else number * LATENCY_FACTOR


def _points(leaf: list[Any], where: str) -> list[list[float]]:
    """`[timestamp, value]` pairs as they came, once checked; pairs with ints become floats.

    The check of well-formed float pairs runs in C (`map` over builtins), so large series stay
    cheap; anything else takes the slow path that converts ints and names the broken point.
    """
    if _float_pairs(leaf):
        return leaf
    return [[_point_part(p, 0, where), _point_part(p, 1, where)] for p in leaf]


def _float_pairs(leaf: list[Any]) -> bool:
    """Whether every item is a `[float, float]` list, checked in C (`map` over builtins)."""
    return (
        set(map(type, leaf)) <= {list}
        and set(map(len, leaf)) <= {2}
        and set(map(type, itertools.chain.from_iterable(leaf))) <= {float}
    )


def _point_part(point: object, index: int, where: str) -> float:
    if not isinstance(point, list | tuple) or len(point) != 2:
        raise TypeError(f"{where} has a point that is not [timestamp, value]: {point!r}")
    number = _number(point[index], where)
    if number is None:
        raise TypeError(f"{where} has a point with a null part: {point!r}")
    return number
