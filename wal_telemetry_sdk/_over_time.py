"""`get_metrics_over_time` as the seed does it: one averaged `get_metrics` request per bucket."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from wal_telemetry_sdk._arguments import DAY, Timestamp, ordered, timestamp
from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType, coerce_enum
from wal_telemetry_sdk.models import MetricsBucket, MetricsOverTime, MetricsResult

INTERVALS = {"hour": 60 * 60, "day": DAY, "week": 7 * DAY}
MAX_BUCKETS = 1000

GetMetrics = Callable[..., MetricsResult]
AsyncGetMetrics = Callable[..., Awaitable[MetricsResult]]


def plan(
    metric_type: TelemetryMetricType | str,
    start_time: Timestamp | None,
    end_time: Timestamp | None,
    interval: str,
) -> MetricsOverTime:
    """Validate the arguments and lay out the buckets (still empty), before any request."""
    kind = coerce_enum(metric_type, TelemetryMetricType, "metric_type")
    if interval not in INTERVALS:
        raise ValueError(f"Invalid interval {interval!r}. Must be one of: {', '.join(INTERVALS)}")
    end = time.time() if end_time is None else timestamp(end_time, "end_time")
    start = end - DAY if start_time is None else timestamp(start_time, "start_time")
    start, end = ordered(start, end)
    step = INTERVALS[interval]
    if (end - start) / step > MAX_BUCKETS:
        raise ValueError(f"{interval!r} buckets over this range exceed {MAX_BUCKETS} requests")
    return MetricsOverTime(kind, start, end, interval, [])


def bounds(over_time: MetricsOverTime) -> list[tuple[float, float]]:
    """Consecutive `(start, end)` pairs covering the range; the last one may be shorter."""
    step = INTERVALS[over_time.interval]
    edges = []
    current = over_time.start_time
    while current < over_time.end_time:
        following = min(current + step, over_time.end_time)
        edges.append((current, following))
        current = following
    return edges


def bucket(start: float, end: float, metrics: MetricsResult) -> MetricsBucket:
    """One bucket, stamped at its midpoint as the seed did."""
    return MetricsBucket(start, end, (start + end) / 2, metrics.metrics, metrics.series)


def metrics_over_time(
    get_metrics: GetMetrics, over_time: MetricsOverTime, **filters: Any
) -> MetricsOverTime:
    """Fill the planned buckets, one averaged request each."""
    for start, end in bounds(over_time):
        result = get_metrics(
            metric_type=over_time.metric_type,
            time_range=(start, end),
            aggregation=TelemetryAggregation.AVERAGE,
            **filters,
        )
        over_time.time_series.append(bucket(start, end, result))
    return over_time


async def async_metrics_over_time(
    get_metrics: AsyncGetMetrics, over_time: MetricsOverTime, **filters: Any
) -> MetricsOverTime:
    """The async twin of `metrics_over_time`."""
    for start, end in bounds(over_time):
        result = await get_metrics(
            metric_type=over_time.metric_type,
            time_range=(start, end),
            aggregation=TelemetryAggregation.AVERAGE,
            **filters,
        )
        over_time.time_series.append(bucket(start, end, result))
    return over_time
