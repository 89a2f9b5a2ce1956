"""A small telemetry data set with hand-checkable values, and the API's aggregations restated."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from wal_telemetry_server.model import GaugeSample, OperationSample
from wal_telemetry_server.store import TelemetryStore

T0 = 1_699_999_980.0  # a multiple of 60: intervals start on T0 + 60 k
INTERVAL = 60
MINUTES = 10
COMBOS = (("append", "json"), ("add", "ipfs"), ("get", "s3"))
BACKENDS = ("ipfs", "s3", "json")


def operations() -> list[OperationSample]:
    """240 operations over 10 minutes; every 7th fails, after i % 3 retries."""
    samples = []
    for i in range(240):
        op, backend = COMBOS[i % 3]
        failed = i % 7 == 0
        base = {"append": 0.001, "add": 0.05, "get": 0.02}[op]
        samples.append(
            OperationSample(
                timestamp=T0 + i * 2.5,
                operation_type=op,
                backend=backend,
                status="failure" if failed else "success",
                latency=base * (1 + i % 10),
                retries=i % 3 if failed else 0,
            )
        )
    return samples


def gauges() -> list[GaugeSample]:
    """One sample per minute: ipfs degrades at minute 3 and is offline at minute 4."""
    samples = []
    for minute in range(MINUTES):
        ts = T0 + minute * INTERVAL
        for backend in BACKENDS:
            health = 1.0
            if backend == "ipfs" and minute == 3:
                health = 0.5
            if backend == "ipfs" and minute == 4:
                health = 0.0
            samples += [
                GaugeSample(ts, "health", backend, health),
                GaugeSample(ts, "queue_pending", backend, float(minute)),
                GaugeSample(ts, "queue_processing", backend, 1.0),
            ]
    return samples


def write_database(path: Path) -> None:
    """A database holding exactly the known samples, with a retention that keeps them."""
    with TelemetryStore(path) as store:
        store.record(operations(), gauges())
        store.save_settings({"retention_days": 3650})


def select(
    *,
    operation_type: str | None = None,
    backend: str | None = None,
    status: str | None = None,
    start: float | None = None,
    end: float | None = None,
) -> list[OperationSample]:
    """The known operations a filter keeps (time range `[start, end)`)."""
    return [
        s
        for s in operations()
        if (operation_type is None or s.operation_type == operation_type)
        and (backend is None or s.backend == backend)
        and (status is None or s.status == status)
        and (start is None or s.timestamp >= start)
        and (end is None or s.timestamp < end)
    ]


def expected_series(metric_type: str, ops: list[OperationSample]) -> dict[str, Any]:
    """The series tree the API should give for one operation-based metric type."""
    if metric_type == "operation_latency":
        tree: dict[str, Any] = defaultdict(dict)
        for s in ops:
            tree[s.operation_type].setdefault(s.backend, []).append([s.timestamp, s.latency])
        return dict(tree)
    per_interval: dict[tuple[str, str], dict[float, list[OperationSample]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s in ops:
        start = math.floor(s.timestamp / INTERVAL) * INTERVAL
        per_interval[(s.operation_type, s.backend)][float(start)].append(s)
    if metric_type == "throughput":
        totals: dict[float, int] = defaultdict(int)
        for groups in per_interval.values():
            for start, members in groups.items():
                totals[start] += len(members)
        return {"overall": [[t, n / INTERVAL] for t, n in sorted(totals.items())]}
    value = {
        "operation_count": lambda m: float(len(m)),
        "success_rate": lambda m: sum(s.status == "success" for s in m) / len(m),
        "error_rate": lambda m: sum(s.status != "success" for s in m) / len(m),
        "retry_count": lambda m: float(sum(s.retries for s in m)),
    }[metric_type]
    tree = defaultdict(dict)
    for (op, backend), groups in per_interval.items():
        tree[op][backend] = [[t, value(m)] for t, m in sorted(groups.items())]
    return dict(tree)


def reduce(points: list[list[float]], aggregation: str) -> float:
    """The API's aggregations, restated: one number per series, 0 when empty."""
    values = [v for _, v in points]
    if not values:
        return 0.0
    if aggregation == "sum":
        return sum(values)
    if aggregation == "average":
        return sum(values) / len(values)
    if aggregation == "minimum":
        return min(values)
    if aggregation == "maximum":
        return max(values)
    if aggregation in ("percentile_95", "percentile_99"):
        q = 0.95 if aggregation == "percentile_95" else 0.99
        ordered = sorted(values)
        rank = (len(ordered) - 1) * q
        low = int(rank)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    if aggregation == "count":
        return float(len(values))
    if aggregation == "rate":
        times = [t for t, _ in points]
        span = max(times) - min(times)
        return len(values) / span if len(values) > 1 and span > 0 else 0.0
    raise AssertionError(aggregation)


def reduce_tree(tree: Any, aggregation: str) -> Any:
    """Every series of a tree reduced with `reduce`."""
    if isinstance(tree, dict):
        return {k: reduce_tree(v, aggregation) for k, v in tree.items()}
    return reduce(tree, aggregation)


def leaves(tree: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Leaves of a tree keyed by their label paths."""
    if isinstance(tree, dict):
        out: dict[tuple[str, ...], Any] = {}
        for key, node in tree.items():
            out.update(leaves(node, (*prefix, key)))
        return out
    return {prefix: tree}
