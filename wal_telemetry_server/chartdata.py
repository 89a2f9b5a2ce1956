"""The chart of a metric type over a selection: its series bucketed from the store, designed
by `wal_telemetry_sdk.chart_design` (the same design the client draws)."""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Sequence

from wal_telemetry_sdk.chart_design import KINDS, ChartModel, bucket_seconds, described, design
from wal_telemetry_sdk.units import UNITS
from wal_telemetry_server.model import METRIC_TYPES, Selection
from wal_telemetry_server.queries import Buckets, ChartLines, chart_series, data_extent

TITLES: dict[str, str] = {t: KINDS[t].title.split(":")[0] for t in METRIC_TYPES}
"""Each metric type's heading in the report."""
# Stored values times this are what people read: latency is stored in seconds and shown in
# milliseconds (the unit openapi.yaml declares for it), rates are shown as percentages.
SHOWN_FACTORS: dict[str, float] = {
    t: unit.factor * (100.0 if unit.percent else 1.0) for t, unit in UNITS.items()
}


def _window(
    conn: sqlite3.Connection, metric_type: str, sel: Selection
) -> tuple[float, float] | None:
    """The selection's time range, its data's where a bound is missing; None when empty."""
    start, end = sel.start_time, sel.end_time
    if start is None or end is None:
        extent = data_extent(conn, metric_type, sel)
        if extent is None:
            return None
        start = extent[0] if start is None else start
        end = math.nextafter(extent[1], math.inf) if end is None else end
    span = end - start
    return (start, end) if span > 0 and math.isfinite(span) else None


def _buckets(window: tuple[float, float], interval: int) -> Buckets:
    """Clock-aligned buckets over the window, at most `chart_design.MAX_BUCKETS` of them."""
    start, end = window
    step = bucket_seconds(start, end, minimum=float(interval))
    origin = math.floor(start / step) * step
    return Buckets(origin, step, max(1, math.ceil((end - origin) / step)), end)


def _shown(metric_type: str, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    factor = SHOWN_FACTORS.get(metric_type, 1.0)
    return [(t, v * factor) for t, v in points]


def _model(
    metric_type: str,
    lines: ChartLines,
    sel: Selection,
    window: tuple[float, float] | None,
    buckets: Buckets | None,
) -> ChartModel:
    return design(
        metric_type,
        {name: _shown(metric_type, values) for name, (values, _) in lines.items()},
        p95={name: _shown(metric_type, tops) for name, (_, tops) in lines.items()},
        window=window,
        bucket=buckets.step if buckets is not None else None,
        selection=described(sel.operation_type, sel.backend, sel.status),
    )


def charts_for(
    conn: sqlite3.Connection, metric_types: Sequence[str], sel: Selection, interval: int
) -> dict[str, ChartModel]:
    """The charts of several metric types; types over the same buckets are read together."""
    windows = {t: _window(conn, t, sel) for t in metric_types}
    groups: dict[Buckets | None, list[str]] = defaultdict(list)
    for metric_type, window in windows.items():
        groups[None if window is None else _buckets(window, interval)].append(metric_type)
    models = {}
    for buckets, types in groups.items():
        read = chart_series(conn, types, sel, interval, buckets) if buckets is not None else {}
        for metric_type in types:
            lines = read.get(metric_type, {})
            models[metric_type] = _model(metric_type, lines, sel, windows[metric_type], buckets)
    return {t: models[t] for t in metric_types}


def chart_for(
    conn: sqlite3.Connection, metric_type: str, sel: Selection, interval: int
) -> ChartModel:
    """The chart of one metric type over the selection (its whole data when a bound is missing)."""
    return charts_for(conn, [metric_type], sel, interval)[metric_type]
