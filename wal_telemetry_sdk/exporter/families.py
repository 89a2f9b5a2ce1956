"""Which Prometheus families come from which fields of `RealtimeMetrics`, in Prometheus units.

The families and labels of the upstream in-process collector (`wal_operation_latency_seconds`,
`wal_operation_success_rate`, ...) are kept, so dashboards built for it keep working; the
`wal_overall_*` families add the SDK's overall summaries, so every numeric field an SDK alert rule
can name has one family. This module is the one place where SDK units become Prometheus units
(seconds, ratios 0..1, operations per minute as upstream named it); the exporter and the alert
rule export both read it.
"""

from collections.abc import Iterator

import attrs

from wal_telemetry_sdk.models import RealtimeMetrics
from wal_telemetry_sdk.units import UNITS

__all__ = ["FAMILIES", "Family", "FieldQuery", "field_query", "samples"]

# Each SDK unit as a multiple of the Prometheus unit of its family.
# Latency, summary and per key alike, is in milliseconds (`wal_telemetry_sdk.units`).
SECONDS_PER_LATENCY = 1.0 / UNITS["operation_latency"].factor
PER_MINUTE_PER_THROUGHPUT = 60.0  # `throughput`: operations per second
RATIO_PER_RATE = 1.0  # `success_rate`, `error_rate`: fractions 0..1

OPERATION_LABELS = ("operation_type", "backend")


@attrs.frozen(cache_hash=True)  # a dict key on every sample the exporter writes
class Family:
    """One gauge family: its name, help text and label names."""

    name: str
    help: str
    labels: tuple[str, ...] = ()


@attrs.frozen
class _Summary:
    """A `ValueSummary` field: its overall value and its values per key, each in one family."""

    field: str
    overall: Family
    per_key: Family
    scale: float = 1.0


_LATENCY_STATISTICS = {  # LatencyStats field, LatencySummary field: family suffix, help word
    "mean": ("average", "", "mean"),
    "median": ("median", "_median", "median"),
    "min": ("minimum", "_min", "minimum"),
    "max": ("maximum", "_max", "maximum"),
    "percentile_95": ("percentile_95", "_p95", "95th percentile"),
    None: ("percentile_99", "_p99", "99th percentile"),
}
KEY_LATENCY = {
    stats_field: Family(
        f"wal_operation_latency_seconds{suffix}",
        f"Operation {word} latency in seconds, per operation type and backend.",
        OPERATION_LABELS,
    )
    for stats_field, (_, suffix, word) in _LATENCY_STATISTICS.items()
    if stats_field is not None
}
SUMMARY_LATENCY = {
    summary_field: Family(
        f"wal_overall_latency_seconds{suffix}",
        f"The {word} latency of all recent operations, in seconds.",
    )
    for summary_field, suffix, word in _LATENCY_STATISTICS.values()
}


def _summary(field: str, overall: str, per_key: str, what: str, scale: float = 1.0) -> _Summary:
    labels = ("status",) if field == "queue_size" else OPERATION_LABELS
    by = "status" if field == "queue_size" else "operation type and backend"
    return _Summary(
        field,
        Family(overall, f"{what}, over all recent operations."),
        Family(per_key, f"{what}, per {by}.", labels),
        scale,
    )


SUMMARIES = (
    _summary(
        "success_rate",
        "wal_overall_success_rate",
        "wal_operation_success_rate",
        "Operation success rate (0-1)",
        RATIO_PER_RATE,
    ),
    _summary(
        "error_rate",
        "wal_overall_error_rate",
        "wal_operation_error_rate",
        "Operation error rate (0-1)",
        RATIO_PER_RATE,
    ),
    _summary(
        "throughput",
        "wal_overall_operations_per_minute",
        "wal_operations_per_minute",
        "Operations completed per minute",
        PER_MINUTE_PER_THROUGHPUT,
    ),
    _summary(
        "operation_count",
        "wal_overall_operation_count",
        "wal_operation_count",
        "Operations in the recent window",
    ),
    _summary(
        "retry_count",
        "wal_overall_retry_count",
        "wal_operation_retry_count",
        "Retries in the recent window",
    ),
    _summary(
        "queue_size", "wal_overall_queue_size", "wal_queue_size", "Operations waiting in the queue"
    ),
)
BY_STATUS = Family(
    "wal_operations_by_status",
    "Number of operations by status.",
    (*OPERATION_LABELS, "status"),
)
BACKEND_HEALTH = Family(
    "wal_backend_health", "Backend health (1 online, 0.5 degraded, 0 offline).", ("backend",)
)
WINDOW = Family("wal_telemetry_window_seconds", "Length of the window the realtime figures cover.")
UP = Family("wal_telemetry_up", "1 when the last read of the target's realtime metrics succeeded.")
SCRAPE_DURATION = Family(
    "wal_telemetry_scrape_duration_seconds", "How long reading the target's realtime metrics took."
)
FAMILIES: tuple[Family, ...] = (
    *KEY_LATENCY.values(),
    *SUMMARY_LATENCY.values(),
    *(family for summary in SUMMARIES for family in (summary.overall, summary.per_key)),
    BY_STATUS,
    BACKEND_HEALTH,
    WINDOW,
    UP,
    SCRAPE_DURATION,
)


def _operation_labels(key: str) -> tuple[str, str] | None:
    """`"add:ipfs"` as `("add", "ipfs")`; keys without a backend are not per-operation."""
    operation, sep, backend = key.partition(":")
    return (operation, backend) if sep else None


Sample = tuple[Family, tuple[str, ...], float]  # a family, its label values, the value


def samples(metrics: RealtimeMetrics) -> Iterator[Sample]:
    """Every known number of `metrics` as (family, label values, value in Prometheus units)."""
    for key, stats in metrics.latency.items():
        if (labels := _operation_labels(key)) is not None:
            for field, family in KEY_LATENCY.items():
                if (value := getattr(stats, field)) is not None:
                    yield family, labels, value * SECONDS_PER_LATENCY
    for field, family in SUMMARY_LATENCY.items():
        if (value := getattr(metrics.operation_latency, field)) is not None:
            yield family, (), value * SECONDS_PER_LATENCY
    for summary in SUMMARIES:
        values = getattr(metrics, summary.field)
        if values.value is not None:
            yield summary.overall, (), values.value * summary.scale
        for key, value in values.by_key.items():
            key_labels = (key,) if summary.field == "queue_size" else _operation_labels(key)
            if key_labels is not None:
                yield summary.per_key, key_labels, value * summary.scale
    for status, count in metrics.status_distribution.items():
        yield BY_STATUS, ("", "", status), count  # over all operations: no operation labels
    for backend, health in metrics.backend_health.items():
        if health.value is not None:
            yield BACKEND_HEALTH, (backend,), health.value
    if metrics.window_seconds is not None:
        yield WINDOW, (), metrics.window_seconds


@attrs.frozen
class FieldQuery:
    """The series an SDK alert field reads, and the SDK unit as a multiple of its family's."""

    family: Family
    matchers: tuple[tuple[str, str], ...]
    scale: float

    def promql(self) -> str:
        """The PromQL selector of the series, e.g. `wal_backend_health{backend="s3"}`."""
        if not self.matchers:
            return self.family.name
        inner = ",".join(f"{name}={_quoted(value)}" for name, value in self.matchers)
        return f"{self.family.name}{{{inner}}}"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def field_query(path: str) -> FieldQuery:
    """The series behind an SDK alert field such as `operation_latency.percentile_95`.

    Raises ValueError naming the field and listing the fields that have a family.
    """
    query = _field_query(path.split("."))
    if query is None:
        raise ValueError(
            f"alert field {path!r} has no Prometheus family; use one of {', '.join(FIELDS)}"
        )
    return query


def _field_query(parts: list[str]) -> FieldQuery | None:
    summaries = {summary.field: summary for summary in SUMMARIES}
    match parts:
        case ["operation_latency", field] if field in SUMMARY_LATENCY:
            return FieldQuery(SUMMARY_LATENCY[field], (), SECONDS_PER_LATENCY)
        case [name, "value"] if name in summaries:
            return FieldQuery(summaries[name].overall, (), summaries[name].scale)
        case ["queue_size", "by_key", status]:
            return FieldQuery(summaries["queue_size"].per_key, (("status", status),), 1.0)
        case [name, "by_key", key] if name in summaries and (labels := _operation_labels(key)):
            summary = summaries[name]
            return FieldQuery(summary.per_key, _matchers(labels), summary.scale)
        case ["latency", key, field] if field in KEY_LATENCY and (labels := _operation_labels(key)):
            return FieldQuery(KEY_LATENCY[field], _matchers(labels), SECONDS_PER_LATENCY)
        case ["backend_health", backend, "value"]:
            return FieldQuery(BACKEND_HEALTH, (("backend", backend),), 1.0)
        case ["status_distribution", status]:
            return FieldQuery(BY_STATUS, (("status", status),), 1.0)
        case ["window_seconds"]:
            return FieldQuery(WINDOW, (), 1.0)
    return None


def _matchers(labels: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(zip(OPERATION_LABELS, labels, strict=True))


FIELDS: tuple[str, ...] = (
    *(f"operation_latency.{field}" for field in SUMMARY_LATENCY),
    *(f"{summary.field}.value" for summary in SUMMARIES),
    *(f"{summary.field}.by_key.<operation>:<backend>" for summary in SUMMARIES[:-1]),
    "queue_size.by_key.<status>",
    *(f"latency.<operation>:<backend>.{field}" for field in KEY_LATENCY),
    "backend_health.<backend>.value",
    "status_distribution.<status>",
    "window_seconds",
)
