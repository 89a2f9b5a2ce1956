"""Metrics trees, time buckets and chart series computed from the store with indexed SQL.

Series per metric type:
- `operation_latency`: `{op: {backend: [[ts, seconds], ...]}}`, one point per operation;
- `operation_count`, `success_rate`, `error_rate`, `retry_count`: `{op: {backend: series}}`,
  one point per sampling interval that has operations (count, share of successes, share of
  failures, retries), stamped with the interval's start;
- `throughput`: `{"overall": series}`, operations finished per second in each interval;
- `backend_health`: `{backend: series}` of gauge samples (1.0, 0.5, 0.0);
- `queue_size`: `{"pending": series, "processing": series}`, summed over backends.
Gauges (`backend_health`, `queue_size`) honour `backend` and the time range only.
"""

from __future__ import annotations

import math
import operator
import sqlite3
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wal_telemetry_sdk.chart_design import summarised
from wal_telemetry_server.aggregate import percentile, reduce_series
from wal_telemetry_server.model import (
    GAUGE_HEALTH,
    GAUGE_PENDING,
    GAUGE_PROCESSING,
    METRIC_TYPES,
    SUCCESS,
    Labels,
    Selection,
    Series,
    Tree,
    health_state,
)
from wal_telemetry_server.rollups import (
    EDGE,
    SPANS,
    label_clauses,
    pieces_of,
    query_raw,
    query_rollups,
)
from wal_telemetry_server.sketch import LogHistogram

INTERVAL_TYPES = ("operation_count", "success_rate", "error_rate", "retry_count", "throughput")
FIXED_LEAVES: dict[str, tuple[Labels, ...]] = {
    "throughput": (("overall",),),
    "queue_size": (("pending",), ("processing",)),
}
SQL_LATENCY_AGGREGATES = ("sum", "average", "minimum", "maximum", "count", "rate")
PERCENTILES = {"percentile_95": 95.0, "percentile_99": 99.0}

Collected = dict[int, dict[Labels, Series]]
"""Series per bucket index, then per leaf labels."""


class TooManyPoints(Exception):
    """A response would carry more points than the limit allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Buckets:
    """`count` consecutive buckets of `step` seconds from `origin`; the last one ends at `end`."""

    origin: float
    step: float
    count: int
    end: float

    def bounds(self, index: int) -> tuple[float, float]:
        """Start and end of one bucket."""
        start = self.origin + index * self.step
        return start, min(start + self.step, self.end)


class PointBudget:
    """Counts the points of one response and stops at the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, count: int) -> None:
        """Account for `count` more points."""
        self.used += count
        if self.used > self.limit:
            raise TooManyPoints(self.limit)


# -- SQL fragments -------------------------------------------------------------------------


def operation_filter(sel: Selection) -> tuple[str, list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    for column, value in (
        ("operation_type", sel.operation_type),
        ("backend", sel.backend),
        ("status", sel.status),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            args.append(value)
    _time_clauses(sel, clauses, args)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def gauge_filter(sel: Selection, names: Sequence[str]) -> tuple[str, list[object]]:
    clauses = [f"name IN ({', '.join('?' for _ in names)})"]
    args: list[object] = list(names)
    if sel.backend is not None:
        clauses.append("backend = ?")
        args.append(sel.backend)
    _time_clauses(sel, clauses, args)
    return " WHERE " + " AND ".join(clauses), args


def _time_clauses(sel: Selection, clauses: list[str], args: list[object]) -> None:
    if sel.start_time is not None:
        clauses.append("ts >= ?")
        args.append(sel.start_time)
    if sel.end_time is not None:
        clauses.append("ts < ?")
        args.append(sel.end_time)


def _bucket_expr(buckets: Buckets | None) -> tuple[str, list[object]]:
    if buckets is None:
        return "0", []
    return "CAST((ts - ?) / ? AS INTEGER)", [buckets.origin, buckets.step]


def _bucket_index(raw: int, buckets: Buckets | None) -> int:
    return 0 if buckets is None else min(max(int(raw), 0), buckets.count - 1)


# -- collecting series ---------------------------------------------------------------------


def count_operations(conn: sqlite3.Connection, sel: Selection) -> int:
    """How many operation samples match the selection (an index-only count)."""
    where, args = operation_filter(sel)
    return int(conn.execute(f"SELECT COUNT(*) FROM operations{where}", args).fetchone()[0])


def _collect_latency(
    conn: sqlite3.Connection, sel: Selection, buckets: Buckets | None, out: Collected
) -> None:
    bexpr, bargs = _bucket_expr(buckets)
    where, args = operation_filter(sel)
    cur = conn.execute(
        f"SELECT {bexpr}, operation_type, backend, ts, latency FROM operations{where} ORDER BY ts",
        [*bargs, *args],
    )
    for b, op, backend, ts, latency in cur:
        out[_bucket_index(b, buckets)].setdefault((op, backend), []).append([ts, latency])


def _ranges(sel: Selection, buckets: Buckets | None) -> list[tuple[int, float, float]]:
    """Each bucket's index and time range within the selection (one range without buckets)."""
    lo = EDGE[0] if sel.start_time is None else max(sel.start_time, EDGE[0])
    hi = EDGE[1] if sel.end_time is None else min(sel.end_time, EDGE[1])
    if buckets is None:
        return [(0, lo, hi)]
    ranges = []
    for index in range(buckets.count):
        start, end = buckets.bounds(index)
        if max(start, lo) < min(end, hi):
            ranges.append((index, max(start, lo), min(end, hi)))
    return ranges


def _labels(sel: Selection) -> tuple[str, list[object]]:
    return label_clauses(sel.operation_type, sel.backend, sel.status)


def _collect_intervals(
    conn: sqlite3.Connection,
    metric_types: Iterable[str],
    sel: Selection,
    interval: int,
    buckets: Buckets | None,
) -> dict[str, Collected]:
    """Per-interval counts, rates, retries and throughput, from rollups that fit the interval."""
    spans = tuple(span for span in SPANS if interval % span == 0)
    labels = _labels(sel)
    pieces = pieces_of(_ranges(sel, buckets), spans)
    group = "operation_type, backend, k"
    rows = [
        *query_rollups(
            conn, pieces, "operation_type, backend, start / ? AS k, SUM(count),"
            " SUM(CASE WHEN status = ? THEN count ELSE 0 END), SUM(retries)",
            labels, group, (interval, SUCCESS),
        ),
        *query_raw(
            conn, pieces, "operation_type, backend, CAST(ts / ? AS INTEGER) AS k, COUNT(*),"
            " SUM(status = ?), SUM(retries)",
            labels, group, (interval, SUCCESS),
        ),
    ]  # fmt: skip
    counts: dict[tuple[int, str, str, int], list[int]] = {}
    for b, op, backend, k, n, successes, retries in rows:
        total = counts.setdefault((b, op, backend, k), [0, 0, 0])
        total[0] += n
        total[1] += successes
        total[2] += retries
    wanted = set(metric_types)
    result: dict[str, Collected] = {t: defaultdict(dict) for t in wanted}
    overall: dict[tuple[int, int], int] = defaultdict(int)
    for (b, op, backend, k), (n, successes, retries) in sorted(counts.items()):
        ts = float(k * interval)
        values = {
            "operation_count": float(n),
            "success_rate": successes / n,
            "error_rate": (n - successes) / n,
            "retry_count": float(retries),
        }
        for metric_type, value in values.items():
            if metric_type in wanted:
                result[metric_type][b].setdefault((op, backend), []).append([ts, value])
        overall[(b, k)] += n
    if "throughput" in wanted:
        for (b, k), n in sorted(overall.items()):
            result["throughput"][b].setdefault(("overall",), []).append(
                [float(k * interval), n / interval]
            )
    return result


def _collect_health(
    conn: sqlite3.Connection, sel: Selection, buckets: Buckets | None, out: Collected
) -> None:
    bexpr, bargs = _bucket_expr(buckets)
    where, args = gauge_filter(sel, (GAUGE_HEALTH,))
    cur = conn.execute(
        f"SELECT {bexpr}, backend, ts, value FROM gauges{where} ORDER BY ts", [*bargs, *args]
    )
    for b, backend, ts, value in cur:
        out[_bucket_index(b, buckets)].setdefault((backend,), []).append([ts, value])


def _collect_queue(
    conn: sqlite3.Connection, sel: Selection, buckets: Buckets | None, out: Collected
) -> None:
    bexpr, bargs = _bucket_expr(buckets)
    where, args = gauge_filter(sel, (GAUGE_PENDING, GAUGE_PROCESSING))
    cur = conn.execute(
        f"SELECT {bexpr} AS b, name, ts, SUM(value) FROM gauges{where}"
        " GROUP BY b, name, ts ORDER BY b, name, ts",
        [*bargs, *args],
    )
    keys = {GAUGE_PENDING: "pending", GAUGE_PROCESSING: "processing"}
    for b, name, ts, value in cur:
        out[_bucket_index(b, buckets)].setdefault((keys[name],), []).append([ts, value])


def collect(
    conn: sqlite3.Connection,
    metric_types: Sequence[str],
    sel: Selection,
    interval: int,
    buckets: Buckets | None = None,
) -> dict[str, Collected]:
    """Raw series of each metric type, per bucket (bucket 0 when `buckets` is None)."""
    result: dict[str, Collected] = {}
    interval_types = [t for t in metric_types if t in INTERVAL_TYPES]
    if interval_types:
        result.update(_collect_intervals(conn, interval_types, sel, interval, buckets))
    for metric_type in metric_types:
        if metric_type in INTERVAL_TYPES:
            continue
        out: Collected = defaultdict(dict)
        if metric_type == "operation_latency":
            _collect_latency(conn, sel, buckets, out)
        elif metric_type == "backend_health":
            _collect_health(conn, sel, buckets, out)
        elif metric_type == "queue_size":
            _collect_queue(conn, sel, buckets, out)
        else:
            raise ValueError(f"unknown metric type {metric_type!r}")
        result[metric_type] = out
    return result


# Per statistic: its rollup column, its raw column, and how two partial values combine.
STATISTICS: dict[str, tuple[str, str, Callable[[float, float], float]]] = {
    "count": ("SUM(count)", "COUNT(*)", operator.add),
    "sum": ("SUM(latency_sum)", "SUM(latency)", operator.add),
    "minimum": ("MIN(latency_min)", "MIN(latency)", min),
    "maximum": ("MAX(latency_max)", "MAX(latency)", max),
    "first": ("MIN(first_ts)", "MIN(ts)", min),
    "last": ("MAX(last_ts)", "MAX(ts)", max),
}
NEEDED = {
    "sum": ("count", "sum"),
    "average": ("count", "sum"),
    "minimum": ("count", "minimum"),
    "maximum": ("count", "maximum"),
    "count": ("count",),
    "rate": ("count", "first", "last"),
}


def _latency_stats(
    conn: sqlite3.Connection,
    sel: Selection,
    buckets: Buckets | None,
    aggregations: Sequence[str] = SQL_LATENCY_AGGREGATES,
) -> dict[int, dict[Labels, dict[str, float]]]:
    """Latency aggregations other than percentiles per bucket and `(op, backend)`, reading only
    the statistics they need from the rollups and the raw edges."""
    names = list(dict.fromkeys(name for a in aggregations for name in NEEDED[a]))
    combine = [STATISTICS[name][2] for name in names]
    labels = _labels(sel)
    pieces = pieces_of(_ranges(sel, buckets))
    group = "operation_type, backend"
    rolled = ", ".join(STATISTICS[name][0] for name in names)
    raw = ", ".join(STATISTICS[name][1] for name in names)
    merged: dict[tuple[int, str, str], list[float]] = {}
    for b, op, backend, *values in [
        *query_rollups(conn, pieces, f"{group}, {rolled}", labels, group),
        *query_raw(conn, pieces, f"{group}, {raw}", labels, group),
    ]:
        seen = merged.get((b, op, backend))
        if seen is None:
            merged[(b, op, backend)] = values
        else:
            seen[:] = [f(x, y) for f, x, y in zip(combine, seen, values, strict=True)]
    out: dict[int, dict[Labels, dict[str, float]]] = defaultdict(dict)
    for (b, op, backend), values in merged.items():
        stats = dict(zip(names, values, strict=True))
        n = stats["count"]
        out[b][(op, backend)] = {a: _statistic(a, stats, n) for a in aggregations}
    return out


def _statistic(aggregation: str, stats: dict[str, float], n: float) -> float:
    if aggregation == "average":
        return stats["sum"] / n
    if aggregation == "rate":
        span = stats["last"] - stats["first"]
        return n / span if n >= 2 and span > 0 else 0
    return stats[aggregation]


def _latency_by_sql(
    conn: sqlite3.Connection, sel: Selection, aggregation: str, buckets: Buckets | None
) -> dict[int, dict[Labels, float]]:
    """One latency aggregation other than a percentile per bucket and `(op, backend)`."""
    return {
        b: {labels: stats[aggregation] for labels, stats in leaves.items()}
        for b, leaves in _latency_stats(conn, sel, buckets, (aggregation,)).items()
    }


def _include(
    merged: dict[tuple[int, str, str], tuple[LogHistogram, list[float]]],
    key: tuple[int, str, str],
    histogram: LogHistogram,
    low: float,
    high: float,
) -> None:
    """Add one histogram and its exact extremes to a bucket's leaf."""
    seen = merged.get(key)
    if seen is None:
        merged[key] = (histogram, [low, high])
        return
    seen[0].merge(histogram)
    seen[1][0], seen[1][1] = min(seen[1][0], low), max(seen[1][1], high)


def _latency_percentile(
    conn: sqlite3.Connection, sel: Selection, pct: float, buckets: Buckets | None
) -> dict[int, dict[Labels, float]]:
    """A latency percentile per bucket and `(op, backend)`, within `sketch.RELATIVE_ERROR`."""
    return {
        b: {labels: values[0] for labels, values in leaves.items()}
        for b, leaves in _latency_percentiles(conn, sel, (pct,), buckets).items()
    }


def _latency_percentiles(
    conn: sqlite3.Connection, sel: Selection, pcts: Sequence[float], buckets: Buckets | None
) -> dict[int, dict[Labels, tuple[float, ...]]]:
    """Latency percentiles per bucket and `(op, backend)`, from one read of the histograms."""
    out: dict[int, dict[Labels, tuple[float, ...]]] = defaultdict(dict)
    for (b, op, backend), (histogram, (low, high)) in _latency_histograms(
        conn, sel, buckets
    ).items():
        out[b][(op, backend)] = tuple(histogram.percentile(p, low, high) for p in pcts)
    return out


LatencyHistograms = dict[tuple[int, str, str], tuple[LogHistogram, list[float]]]
"""Per bucket and `(op, backend)`: the latency histogram and the exact `[minimum, maximum]`."""


def _latency_histograms(
    conn: sqlite3.Connection, sel: Selection, buckets: Buckets | None
) -> LatencyHistograms:
    """Latency histograms from the rollups and the raw edges, merged per bucket and pair."""
    labels = _labels(sel)
    pieces = pieces_of(_ranges(sel, buckets))
    merged: LatencyHistograms = {}
    for b, op, backend, n, low, high, blob in query_rollups(
        conn, pieces, "operation_type, backend, count, latency_min, latency_max, histogram", labels
    ):
        _include(merged, (b, op, backend), LogHistogram.decode(blob, n), low, high)
    values: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for b, op, backend, latency in query_raw(
        conn, pieces, "operation_type, backend, latency", labels
    ):
        values[(b, op, backend)].append(latency)
    for key, group in values.items():
        _include(merged, key, LogHistogram.of(group), min(group), max(group))
    return merged


def latency_percentile_of_groups(
    conn: sqlite3.Connection, sel: Selection, pct: float, *groups: Callable[[str, str], Labels]
) -> list[dict[Labels, float]]:
    """A latency percentile over the selection for each group that `(op, backend)` pairs fall
    in, once per grouping (e.g. per pair, per backend, overall), from one read of the store."""
    pairs = [(op, backend, *seen) for (_, op, backend), seen in _latency_histograms(
        conn, sel, None
    ).items()]  # fmt: skip
    results = []
    for group in groups:
        merged: dict[Labels, tuple[LogHistogram, list[float]]] = {}
        for op, backend, histogram, (low, high) in pairs:
            total, extremes = merged.setdefault(group(op, backend), (LogHistogram(), [low, high]))
            total.merge(histogram)
            extremes[:] = [min(extremes[0], low), max(extremes[1], high)]
        results.append(
            {key: h.percentile(pct, low, high) for key, (h, (low, high)) in merged.items()}
        )
    return results


# -- trees ---------------------------------------------------------------------------------


def nest(leaves: dict[Labels, Any]) -> Tree:
    """A nested tree from leaves keyed by their label paths (sorted for stable output)."""
    tree: Tree = {}
    for labels in sorted(leaves):
        node = tree
        for key in labels[:-1]:
            node = node.setdefault(key, {})
        node[labels[-1]] = leaves[labels]
    return tree


def _reduce_leaves(
    metric_type: str, leaves: dict[Labels, Series], aggregation: str
) -> dict[Labels, Any]:
    reduced: dict[Labels, Any] = {
        labels: reduce_series(series, aggregation) for labels, series in leaves.items()
    }
    for labels in FIXED_LEAVES.get(metric_type, ()):
        reduced.setdefault(labels, 0)
    return reduced


def _aggregated(
    conn: sqlite3.Connection,
    metric_type: str,
    sel: Selection,
    aggregation: str,
    interval: int,
    buckets: Buckets | None,
) -> dict[int, dict[Labels, Any]]:
    """Aggregated leaves per bucket for one metric type."""
    if metric_type == "operation_latency" and aggregation in SQL_LATENCY_AGGREGATES:
        return _latency_by_sql(conn, sel, aggregation, buckets)
    if metric_type == "operation_latency" and aggregation in PERCENTILES:
        return _latency_percentile(conn, sel, PERCENTILES[aggregation], buckets)
    collected = collect(conn, [metric_type], sel, interval, buckets)[metric_type]
    return {b: _reduce_leaves(metric_type, leaves, aggregation) for b, leaves in collected.items()}


def metrics_tree(
    conn: sqlite3.Connection,
    metric_type: str | None,
    sel: Selection,
    aggregation: str | None,
    interval: int,
    max_points: int,
) -> Tree:
    """The `metrics` tree of a metrics response: one type's tree, or `{type: tree}` for all."""
    types = [metric_type] if metric_type else list(METRIC_TYPES)
    budget = PointBudget(max_points)
    trees: Tree = {}
    if aggregation is not None:
        others = [t for t in types if t != "operation_latency"]
        collected = collect(conn, others, sel, interval) if others else {}
        for t in types:
            if t == "operation_latency":
                leaves = dict(_aggregated(conn, t, sel, aggregation, interval, None).get(0, {}))
            else:
                leaves = _reduce_leaves(t, collected[t].get(0, {}), aggregation)
            for labels in FIXED_LEAVES.get(t, ()):
                leaves.setdefault(labels, 0)
            budget.take(len(leaves))
            trees[t] = nest(leaves)
    else:
        if "operation_latency" in types:
            budget.take(count_operations(conn, sel))
        collected = collect(conn, types, sel, interval)
        for t in types:
            series_leaves = dict(collected[t].get(0, {}))
            for labels in FIXED_LEAVES.get(t, ()):
                series_leaves.setdefault(labels, [])
            if t != "operation_latency":
                budget.take(sum(len(s) for s in series_leaves.values()))
            trees[t] = nest(dict(series_leaves))
    return trees[metric_type] if metric_type else trees


def time_series(
    conn: sqlite3.Connection,
    metric_type: str,
    sel: Selection,
    aggregation: str,
    interval: int,
    buckets: Buckets,
    max_points: int,
) -> list[Tree]:
    """One aggregated metrics tree per bucket, oldest first, from one grouped query."""
    ranged = sel.with_range(buckets.origin, buckets.end)
    per_bucket = _aggregated(conn, metric_type, ranged, aggregation, interval, buckets)
    budget = PointBudget(max_points)
    trees: list[Tree] = []
    fixed = FIXED_LEAVES.get(metric_type, ())
    for index in range(buckets.count):
        leaves = dict(per_bucket.get(index, {}))
        for labels in fixed:
            leaves.setdefault(labels, 0)
        budget.take(max(len(leaves), 1))
        trees.append(nest(leaves))
    return trees


BucketPoints = list[tuple[float, float]]
ChartLines = dict[str, tuple[BucketPoints, BucketPoints]]
"""Per series name, `(bucket start, value)` points and, for latency, `(bucket start, p95)`."""


def chart_series(
    conn: sqlite3.Connection,
    metric_types: Sequence[str],
    sel: Selection,
    interval: int,
    buckets: Buckets,
) -> dict[str, ChartLines]:
    """Per type and leaf, each bucket's value as its chart draws it, stamped with the bucket's
    start: latency's median and p95 from the histograms, other types reduced as
    `chart_design.summarised` says (counts summed, queue at its maximum, health at its worst)."""
    ranged = sel.with_range(buckets.origin, buckets.end)
    result: dict[str, dict[Labels, tuple[BucketPoints, BucketPoints]]] = {}
    others = [t for t in metric_types if t != "operation_latency"]
    for metric_type, collected in collect(conn, others, ranged, interval, buckets).items():
        lines: dict[Labels, tuple[BucketPoints, BucketPoints]] = {}
        for b in sorted(collected):
            start = buckets.bounds(b)[0]
            for labels, series in collected[b].items():
                value = summarised(metric_type, [p[1] for p in series])
                lines.setdefault(labels, ([], []))[0].append((start, value))
        result[metric_type] = lines
    if "operation_latency" in metric_types:
        latency: dict[Labels, tuple[BucketPoints, BucketPoints]] = {}
        per_bucket = _latency_percentiles(conn, ranged, (50.0, 95.0), buckets)
        for b in sorted(per_bucket):
            start = buckets.bounds(b)[0]
            for labels, (median, p95) in per_bucket[b].items():
                medians, tops = latency.setdefault(labels, ([], []))
                medians.append((start, median))
                tops.append((start, p95))
        result["operation_latency"] = latency
    return {
        t: {" / ".join(labels): lines[labels] for labels in sorted(lines)}
        for t, lines in result.items()
    }


def summary(
    conn: sqlite3.Connection, sel: Selection, interval: int, aggregations: Sequence[str]
) -> dict[str, dict[str, Tree]]:
    """Every metric type under several aggregations, reading each series once where possible."""
    result: dict[str, dict[str, Tree]] = {t: {} for t in METRIC_TYPES}
    others = [t for t in METRIC_TYPES if t != "operation_latency"]
    for metric_type, collected in collect(conn, others, sel, interval).items():
        leaves = collected.get(0, {})
        for aggregation in aggregations:
            result[metric_type][aggregation] = nest(
                _reduce_leaves(metric_type, leaves, aggregation)
            )
    stats = _latency_stats(conn, sel, None).get(0, {})
    for aggregation in aggregations:
        latency: dict[Labels, Any]
        if aggregation in SQL_LATENCY_AGGREGATES:
            latency = {labels: values[aggregation] for labels, values in stats.items()}
        else:
            per_bucket = _aggregated(conn, "operation_latency", sel, aggregation, interval, None)
            latency = dict(per_bucket.get(0, {}))
        result["operation_latency"][aggregation] = nest(latency)
    return result


def data_extent(
    conn: sqlite3.Connection, metric_type: str, sel: Selection
) -> tuple[float, float] | None:
    """First and last timestamp of the samples a chart of this selection would draw."""
    if metric_type in ("backend_health", "queue_size"):
        names = (GAUGE_HEALTH,) if metric_type == "backend_health" else (GAUGE_PENDING,)
        where, args = gauge_filter(sel, names)
        row = conn.execute(f"SELECT MIN(ts), MAX(ts) FROM gauges{where}", args).fetchone()
    else:
        where, args = operation_filter(sel)
        row = conn.execute(f"SELECT MIN(ts), MAX(ts) FROM operations{where}", args).fetchone()
    if row is None or row[0] is None:
        return None
    return float(row[0]), float(row[1])


# -- real time -----------------------------------------------------------------------------


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": math.fsum(ordered) / len(ordered),
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "percentile_95": percentile(ordered, 95),
        "count": len(ordered),
    }


def realtime(conn: sqlite3.Connection, now: float, window: float) -> dict[str, Any]:
    """Summary and per-key statistics of the operations finished in the last `window` seconds."""
    rows = conn.execute(
        "SELECT operation_type, backend, status, latency, retries FROM operations"
        " WHERE ts >= ? AND ts <= ?",
        (now - window, now),
    ).fetchall()
    gauges = conn.execute("SELECT name, backend, value FROM gauge_latest").fetchall()

    latencies: dict[str, list[float]] = defaultdict(list)
    successes: dict[str, int] = defaultdict(int)
    retries: dict[str, int] = defaultdict(int)
    for op, backend, status, latency, retry in rows:
        key = f"{op}:{backend}"
        latencies[key].append(latency)
        successes[key] += status == SUCCESS
        retries[key] += retry
    keys = sorted(latencies)
    counts = {k: len(latencies[k]) for k in keys}
    total = len(rows)
    total_successes = sum(successes.values())
    every = sorted(lat for k in keys for lat in latencies[k])

    pending = sum(v for name, _b, v in gauges if name == GAUGE_PENDING)
    processing = sum(v for name, _b, v in gauges if name == GAUGE_PROCESSING)
    health = {b: v for name, b, v in gauges if name == GAUGE_HEALTH}

    def ms(value: float) -> float:
        return value * 1000.0

    return {
        "window_seconds": window,
        "latency": {k: _stats(latencies[k]) for k in keys},
        "operation_latency": {
            "average": ms(math.fsum(every) / total) if total else 0.0,
            "median": ms(statistics.median(every)) if total else 0.0,
            "minimum": ms(every[0]) if total else 0.0,
            "maximum": ms(every[-1]) if total else 0.0,
            "percentile_95": ms(percentile(every, 95)),
            "percentile_99": ms(percentile(every, 99)),
            "count": total,
        },
        "success_rate": {
            "value": total_successes / total if total else 0.0,
            "by_key": {k: successes[k] / counts[k] for k in keys},
        },
        "error_rate": {
            "value": (total - total_successes) / total if total else 0.0,
            "by_key": {k: (counts[k] - successes[k]) / counts[k] for k in keys},
        },
        "throughput": {
            "value": total / window,
            "by_key": {k: counts[k] / window for k in keys},
        },
        "operation_count": {"value": total, "by_key": counts},
        "retry_count": {"value": sum(retries.values()), "by_key": {k: retries[k] for k in keys}},
        "queue_size": {
            "value": pending + processing,
            "by_key": {"pending": pending, "processing": processing},
        },
        "status_distribution": {
            "pending": pending,
            "processing": processing,
            "completed": total_successes,
            "failed": total - total_successes,
        },
        "backend_health": {
            b: {"status": health_state(v), "value": v} for b, v in sorted(health.items())
        },
    }
