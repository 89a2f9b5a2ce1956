"""What a chart of a metric type shows: its lines (bucketed from the store), titles and units."""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Sequence

from wal_telemetry_sdk.chart_design import ChartModel, bucket_seconds, bucketed, design
from wal_telemetry_server.charts import ChartSpec
from wal_telemetry_server.model import Selection
from wal_telemetry_server.queries import (
    Buckets,
    chart_series,
    collect,
    data_extent,
    latency_per_bucket,
)

MAX_CHART_BUCKETS = 300

TITLES: dict[str, tuple[str, str, tuple[float, float] | None]] = {
    "operation_count": ("Operation count", "Operations per sampling interval", None),
    "operation_latency": ("Operation latency", "Latency (ms)", None),
    "success_rate": ("Success rate", "Operations that succeeded (%)", (-5.0, 105.0)),
    "error_rate": ("Error rate", "Operations that failed (%)", (-5.0, 105.0)),
    "backend_health": ("Backend health", "1 online, 0.5 degraded, 0 offline", (-0.05, 1.05)),
    "throughput": ("Throughput", "Operations per second", None),
    "queue_size": ("Queue size", "Queued operations", None),
    "retry_count": ("Retries", "Retries per sampling interval", None),
}
# Stored values times this are what people read: latency is stored in seconds and shown in
# milliseconds (the unit openapi.yaml declares for it), rates are shown as percentages.
SHOWN_FACTORS = {"operation_latency": 1000.0, "success_rate": 100.0, "error_rate": 100.0}


def shown(metric_type: str, values: list[float]) -> list[float]:
    """Stored values of a metric type as people read them in charts and report tables."""
    factor = SHOWN_FACTORS.get(metric_type)
    return values if factor is None else [value * factor for value in values]


def _describe(sel: Selection) -> str:
    parts = [
        f"{name}={value}"
        for name, value in (
            ("operation", sel.operation_type),
            ("backend", sel.backend),
            ("status", sel.status),
        )
        if value is not None
    ]
    return ", ".join(parts)


def _buckets(
    conn: sqlite3.Connection, metric_type: str, sel: Selection, interval: int
) -> Buckets | None:
    """Up to `MAX_CHART_BUCKETS` buckets over the selection's range (its data where unbounded)."""
    if sel.start_time is None or sel.end_time is None:
        extent = data_extent(conn, metric_type, sel)
        if extent is None:
            return None
        start = sel.start_time if sel.start_time is not None else extent[0]
        end = sel.end_time if sel.end_time is not None else math.nextafter(extent[1], math.inf)
    else:
        start, end = sel.start_time, sel.end_time
    span = end - start
    if not span > 0 or not math.isfinite(span):
        return None
    step = max(float(interval), span / MAX_CHART_BUCKETS)
    return Buckets(start, step, max(1, min(MAX_CHART_BUCKETS + 1, math.ceil(span / step))), end)


def charts_for(
    conn: sqlite3.Connection, metric_types: Sequence[str], sel: Selection, interval: int
) -> dict[str, ChartSpec]:
    """The charts of several metric types; types over the same buckets are read together."""
    groups: dict[Buckets | None, list[str]] = defaultdict(list)
    for metric_type in metric_types:
        groups[_buckets(conn, metric_type, sel, interval)].append(metric_type)
    lines: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
    for buckets, types in groups.items():
        if buckets is not None:
            lines.update(chart_series(conn, types, sel, interval, buckets))
    specs = {}
    for metric_type in metric_types:
        title, ylabel, ylim = TITLES[metric_type]
        specs[metric_type] = ChartSpec(
            title=title,
            ylabel=ylabel,
            ylim=ylim,
            subtitle=_describe(sel),
            lines={
                name: (xs, shown(metric_type, ys))
                for name, (xs, ys) in lines.get(metric_type, {}).items()
            },
        )
    return specs


def chart_for(
    conn: sqlite3.Connection, metric_type: str, sel: Selection, interval: int
) -> ChartSpec:
    """The chart of one metric type over the selection (its whole data when a bound is missing)."""
    return charts_for(conn, [metric_type], sel, interval)[metric_type]


def chart_models(
    conn: sqlite3.Connection, metric_types: Sequence[str], start: float, end: float, interval: int
) -> dict[str, ChartModel]:
    """The charts of `[start, end)` as `chart_design` models, in clock-aligned buckets and
    display units; latency as the median with its p95 band, from the rollups' histograms."""
    step = bucket_seconds(start, end, minimum=float(interval))
    origin = math.floor(start / step) * step
    buckets = Buckets(origin, step, max(1, math.ceil((end - origin) / step)), end)
    sel = Selection(start_time=start, end_time=end)
    others = [t for t in metric_types if t != "operation_latency"]
    collected = collect(conn, others, sel, interval) if others else {}
    models = {}
    for metric_type in metric_types:
        if metric_type == "operation_latency":
            pairs = latency_per_bucket(conn, sel, buckets)
            series = {_name(k): _shown_points(metric_type, m) for k, (m, _) in pairs.items()}
            tops = {_name(k): _shown_points(metric_type, p) for k, (_, p) in pairs.items()}
        else:
            raw = {
                _name(labels): _shown_points(metric_type, points)
                for labels, points in collected[metric_type].get(0, {}).items()
            }
            series, tops = bucketed(metric_type, raw, origin, step)
        models[metric_type] = design(
            metric_type, series, window=(start, end), bucket=step, p95=tops
        )
    return models


def _name(labels: tuple[str, ...]) -> str:
    return " / ".join(labels)


def _shown_points(metric_type: str, points: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    factor = SHOWN_FACTORS.get(metric_type, 1.0)
    return [(t, v * factor) for t, v in points]


HEALTH_VALUES = {"online": 1.0, "degraded": 0.5, "offline": 0.0, "unknown": math.nan}


def png_spec(model: ChartModel) -> ChartSpec:
    """What the PNG renderer draws of a model: the same lines (health: each lane's state as
    1, 0.5 or 0), so a report's PNG files show what its SVG charts show."""
    title, ylabel, ylim = TITLES.get(model.metric_type, (model.title, model.y_label, None))
    lines = {line.name: (list(line.times), list(line.values)) for line in model.lines}
    for lane in model.lanes:
        spans = [span for span in model.spans if span.lane == lane]
        times = [t for span in spans for t in (span.start, span.end)]
        values = [HEALTH_VALUES.get(span.state, math.nan) for span in spans for _ in (0, 1)]
        lines[lane] = (times, values)
    return ChartSpec(title=title, ylabel=ylabel, ylim=ylim, subtitle=model.subtitle, lines=lines)
