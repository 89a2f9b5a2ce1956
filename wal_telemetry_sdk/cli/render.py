"""Rich renderings of results for the terminal: tables and sparklines, figures with units."""

import time
from collections.abc import Iterable, Sequence
from typing import Any

from rich.table import Table

from wal_telemetry_sdk._html import realtime_rows, series_rows, value_header
from wal_telemetry_sdk._schedule import MonitorTick
from wal_telemetry_sdk.models import MetricsResult, RealtimeMetrics
from wal_telemetry_sdk.timeseries import TimeSeries
from wal_telemetry_sdk.units import axis_label, formatted

SPARKS = "▁▂▃▄▅▆▇█"


def number(value: float | None, digits: int = 2, suffix: str = "") -> str:
    """A value for a table cell; `-` when the server could not say."""
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def sparkline(values: Sequence[float]) -> str:
    """Values as a row of block characters scaled between their minimum and maximum."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARKS[int((value - low) / span * (len(SPARKS) - 1))] for value in values)


def realtime_table(metrics: RealtimeMetrics, tick: MonitorTick | None = None) -> Table:
    """The headline real-time figures, one per row; with a `tick`, stamped with the time of the
    reading, and dimmed and marked stale while fetches fail."""
    stale = tick is not None and not tick.fresh
    table = Table(
        title="Real-time metrics" + (" [bold red](STALE)[/]" if stale else ""),
        show_header=True,
        style="dim" if stale else "",
        row_styles=["dim"] if stale else None,
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for row in realtime_rows(metrics):
        table.add_row(*row)
    if tick is not None:
        table.caption = freshness(tick)
    return table


def freshness(tick: MonitorTick) -> str:
    """When the reading is from: as of 12:03:04, or stale since 12:03:04, 3 errors."""
    if tick.last_good_at is None:
        when = "no reading yet"
    else:
        when = time.strftime("%H:%M:%S", time.localtime(tick.last_good_at))
    if tick.fresh:
        return f"as of {when}"
    errors = f"{tick.errors_since_good} error" + ("s" if tick.errors_since_good != 1 else "")
    since = f"stale since {when}" if tick.last_good_at is not None else when
    return f"[bold red]{since}, {errors}[/]"


def metrics_table(result: MetricsResult) -> Table:
    """One row per series: its labels, how many points, and its last or aggregated value."""
    title = f"{result.metric_type or 'all metrics'}" + (
        f" ({result.aggregation})" if result.aggregation else ""
    )
    table = Table(title=title)
    for column in ("series", "points", value_header(result.metric_type)):
        table.add_column(column, justify="left" if column == "series" else "right")
    for row in series_rows(result.series, result.metric_type):
        table.add_row(*row)
    return table


def timeseries_table(series: TimeSeries, *, spark: bool = True) -> Table:
    """Per series: points, first and last values, trend and anomalies, with a sparkline."""
    trends = series.trend()
    anomalies = series.anomalies()
    kind = series.metric_type
    title = f"{kind or 'metric'} over time" + (f": {axis_label(kind)}" if kind else "")
    table = Table(title=title)
    columns = ["series", "points", "first", "last", "slope/h", "change", "anomalies"]
    for column in [*columns, *(["trend"] if spark else [])]:
        table.add_column(column, justify="left" if column in {"series", "trend"} else "right")
    for labels in series.labels:
        trend = trends[labels]
        cells = [
            ":".join(labels),
            str(trend.n),
            formatted(kind, trend.first),
            formatted(kind, trend.last),
            formatted(kind, trend.slope_per_hour),
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
