"""Rich renderings of results for the terminal: tables and sparklines."""

from collections.abc import Iterable, Sequence
from typing import Any

from rich.table import Table

from wal_telemetry_sdk.models import MetricsResult, RealtimeMetrics
from wal_telemetry_sdk.timeseries import TimeSeries

SPARKS = "▁▂▃▄▅▆▇█"


def number(value: float | None, digits: int = 2, suffix: str = "") -> str:
    """A value for a table cell; `-` when the server could not say."""
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def sparkline(values: Sequence[float]) -> str:
    """Values as a row of block characters scaled between their minimum and maximum."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARKS[int((value - low) / span * (len(SPARKS) - 1))] for value in values)


def realtime_table(metrics: RealtimeMetrics) -> Table:
    """The headline real-time figures, one per row."""
    latency = metrics.operation_latency
    table = Table(title="Real-time metrics", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("latency average", number(latency.average, suffix=" ms")),
        ("latency p95", number(latency.percentile_95, suffix=" ms")),
        ("latency p99", number(latency.percentile_99, suffix=" ms")),
        ("operations", f"{latency.count:,}"),
        ("success rate", percent(metrics.success_rate.value)),
        ("error rate", percent(metrics.error_rate.value)),
        ("throughput", number(metrics.throughput.value, suffix=" ops/s")),
        ("queue size", number(metrics.queue_size.value, 0)),
        ("retries", number(metrics.retry_count.value, 0)),
    ]
    rows += [
        (f"backend {name}", f"{health.status or '?'} ({number(health.value, 1)})")
        for name, health in sorted(metrics.backend_health.items())
    ]
    for row in rows:
        table.add_row(*row)
    return table


def metrics_table(result: MetricsResult) -> Table:
    """One row per series: its labels, how many points, and its last or aggregated value."""
    title = f"{result.metric_type or 'all metrics'}" + (
        f" ({result.aggregation})" if result.aggregation else ""
    )
    table = Table(title=title)
    for column in ("series", "points", "value"):
        table.add_column(column, justify="left" if column == "series" else "right")
    for series in result.series:
        value = (
            series.value
            if series.is_aggregated
            else (series.points[-1][1] if series.points else None)
        )
        table.add_row(":".join(series.labels), str(len(series.points)), number(value, 4))
    return table


def timeseries_table(series: TimeSeries, *, spark: bool = True) -> Table:
    """Per series: points, first and last values, trend and anomalies, with a sparkline."""
    trends = series.trend()
    anomalies = series.anomalies()
    table = Table(title=f"{series.metric_type or 'metric'} over time")
    columns = ["series", "points", "first", "last", "slope/h", "change", "anomalies"]
    for column in [*columns, *(["trend"] if spark else [])]:
        table.add_column(column, justify="left" if column in {"series", "trend"} else "right")
    for labels in series.labels:
        trend = trends[labels]
        cells = [
            ":".join(labels),
            str(trend.n),
            number(trend.first, 4),
            number(trend.last, 4),
            number(trend.slope_per_hour, 4),
            number(trend.percent_change, 1, "%"),
            str(sum(anomalies[labels])),
        ]
        if spark:
            cells.append(sparkline(list(series[labels].values)))
        table.add_row(*cells)
    return table


def key_value_table(title: str, items: Iterable[tuple[str, Any]]) -> Table:
    """A two-column table of settings or a summary."""
    table = Table(title=title)
    table.add_column("key")
    table.add_column("value")
    for key, value in items:
        table.add_row(key, "-" if value is None else str(value))
    return table
