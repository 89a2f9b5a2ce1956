"""Results as rows a person reads (each figure with its unit), and as HTML tables for Jupyter.

The terminal tables of the command line read the same rows, so both say the same thing.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from wal_telemetry_sdk.units import axis_label, formatted

if TYPE_CHECKING:
    from wal_telemetry_sdk.models import MetricsBucket, MetricSeries, RealtimeMetrics

# Rows beyond this are left out of a notebook table (a note says how many).
MAX_ROWS = 200


def realtime_rows(metrics: RealtimeMetrics) -> list[tuple[str, str]]:
    """The headline real-time figures as (name, value with unit) pairs."""
    latency = metrics.operation_latency
    rows = [
        ("latency average", formatted("operation_latency", latency.average)),
        ("latency p95", formatted("operation_latency", latency.percentile_95)),
        ("latency p99", formatted("operation_latency", latency.percentile_99)),
        ("operations", f"{latency.count:,}"),
        ("success rate", formatted("success_rate", metrics.success_rate.value)),
        ("error rate", formatted("error_rate", metrics.error_rate.value)),
        ("throughput", formatted("throughput", metrics.throughput.value)),
        ("queue size", formatted("queue_size", metrics.queue_size.value)),
        ("retries", formatted("retry_count", metrics.retry_count.value)),
    ]
    rows += [
        (f"backend {name}", f"{health.status or '?'} ({formatted(None, health.value, 1)})")
        for name, health in sorted(metrics.backend_health.items())
    ]
    return rows


def series_rows(series: Iterable[MetricSeries], metric_type: object) -> list[tuple[str, ...]]:
    """Per series: its name, its number of points ("-" when aggregated) and its last (or
    aggregated) value."""
    rows: list[tuple[str, ...]] = []
    for item in series:
        value = item.value if item.is_aggregated else (item.points[-1][1] if item.points else None)
        points = "-" if item.is_aggregated else f"{len(item.points):,}"
        kind = item.labels[0] if metric_type is None else metric_type  # a tree of every type
        rows.append((":".join(item.labels), points, formatted(kind, value)))
    return rows


def value_header(metric_type: object) -> str:
    """The header of a value column, naming the unit: "value: latency (ms)"."""
    return "value" if metric_type is None else f"value: {axis_label(metric_type)}"


def series_table(series: Iterable[MetricSeries], metric_type: object) -> str:
    return table(["series", "points", value_header(metric_type)], series_rows(series, metric_type))


def buckets_table(buckets: Sequence[MetricsBucket], metric_type: object) -> str:
    """One row per bucket (its start, UTC) and one column per series."""
    names: dict[str, None] = {}
    cells: list[dict[str, float | None]] = []
    for bucket in buckets:
        values = {}
        for item in bucket.series:
            name = ":".join(item.labels)
            names[name] = None
            values[name] = item.value if item.is_aggregated else None
        cells.append(values)
    rows = [
        (_utc(bucket.start_time), *(formatted(metric_type, row.get(name)) for name in names))
        for bucket, row in zip(buckets, cells, strict=True)
    ]
    return table([f"bucket start (UTC) · {axis_label(metric_type)}", *names], rows)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table; more than `MAX_ROWS` rows are cut, with a note saying so."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows[:MAX_ROWS]
    )
    note = f"<p>{len(rows) - MAX_ROWS:,} more rows not shown</p>" if len(rows) > MAX_ROWS else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
