"""Reducing a series of `[timestamp, value]` points to one number, as each aggregation defines."""

from __future__ import annotations

import math
from collections.abc import Sequence

from wal_telemetry_server.model import Point


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """The `pct` percentile of ascending values, interpolating linearly between closest ranks."""
    if not sorted_values:
        return 0.0
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = rank - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def reduce_values(values: Sequence[float], timestamps: Sequence[float], aggregation: str) -> float:
    """One number from a series given as parallel value and timestamp lists; 0 when empty.

    `rate` is points per second between the first and the last point (0 with fewer than two).
    """
    n = len(values)
    if n == 0:
        return 0
    if aggregation == "sum":
        return math.fsum(values)
    if aggregation == "average":
        return math.fsum(values) / n
    if aggregation == "minimum":
        return min(values)
    if aggregation == "maximum":
        return max(values)
    if aggregation == "percentile_95":
        return percentile(sorted(values), 95)
    if aggregation == "percentile_99":
        return percentile(sorted(values), 99)
    if aggregation == "count":
        return n
    if aggregation == "rate":
        if n < 2:
            return 0
        span = max(timestamps) - min(timestamps)
        return n / span if span > 0 else 0
    raise ValueError(f"unknown aggregation {aggregation!r}")


def reduce_series(points: Sequence[Point], aggregation: str) -> float:
    """One number from a series of `[timestamp, value]` points; 0 when the series is empty."""
    return reduce_values([p[1] for p in points], [p[0] for p in points], aggregation)
