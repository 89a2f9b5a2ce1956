"""Planning `get_metrics_over_time`: buckets of a range, checked before any request.

The reference server answers a whole range in one `/timeseries` request. Servers without that
operation (the upstream one) get one aggregated `get_metrics` request per bucket, sent
concurrently with a bound, never one after another.
"""

import time

import attrs

from wal_telemetry_sdk._arguments import DAY, Timestamp, optional_text, ordered, timestamp
from wal_telemetry_sdk.enums import TelemetryMetricType, coerce_enum
from wal_telemetry_sdk.models import MetricsOverTime, TimeSeriesResult

INTERVALS = {"hour": 60 * 60, "day": DAY, "week": 7 * DAY}
MAX_BUCKETS = 1000
CONCURRENT_BUCKETS = 8


def plan(
    metric_type: TelemetryMetricType | str,
    start_time: Timestamp | None,
    end_time: Timestamp | None,
    interval: str | float,
    **filters: str | None,
) -> MetricsOverTime:
    """Validate the arguments and lay out the (still empty) result, before any request."""
    kind = coerce_enum(metric_type, TelemetryMetricType, "metric_type")
    step = step_seconds(interval)
    end = time.time() if end_time is None else timestamp(end_time, "end_time")
    start = end - DAY if start_time is None else timestamp(start_time, "start_time")
    start, end = ordered(start, end)
    if (end - start) / step > MAX_BUCKETS:
        raise ValueError(
            f"{interval!r} buckets over this range exceed {MAX_BUCKETS}; "
            "use a longer interval or a shorter range"
        )
    for name, value in filters.items():
        optional_text(value, name)
    return MetricsOverTime(metric_type=kind, start_time=start, end_time=end, interval=interval)


def step_seconds(interval: object) -> float:
    """Bucket width: 'hour', 'day', 'week', or a number of seconds (at least 1)."""
    if isinstance(interval, str) and interval in INTERVALS:
        return float(INTERVALS[interval])
    if isinstance(interval, int | float) and not isinstance(interval, bool) and interval >= 1:
        return float(interval)
    raise ValueError(
        f"Invalid interval {interval!r}. Must be one of: hour, day, week, "
        "or a step in seconds (a number >= 1)"
    )


def bounds(over_time: MetricsOverTime) -> list[tuple[float, float]]:
    """Consecutive `(start, end)` pairs covering the range; the last one may be shorter."""
    step = step_seconds(over_time.interval)
    edges = []
    current = over_time.start_time
    while current < over_time.end_time:
        following = min(current + step, over_time.end_time)
        edges.append((current, following))
        current = following
    return edges


def from_server_buckets(over_time: MetricsOverTime, result: TimeSeriesResult) -> MetricsOverTime:
    """Fill the result from the server's buckets, stamped at their midpoints like the others."""
    buckets = [
        attrs.evolve(item, timestamp=(item.start_time + item.end_time) / 2)
        for item in result.buckets
    ]
    return over_time.filled(buckets, source="timeseries")
