"""Names, limits and records shared by the store, the queries and the HTTP layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

# One reading of health values (online, degraded, offline) for real time and charts alike.
from wal_telemetry_sdk.chart_design import health_state as health_state

METRIC_TYPES: Final = (
    "operation_count",
    "operation_latency",
    "success_rate",
    "error_rate",
    "backend_health",
    "throughput",
    "queue_size",
    "retry_count",
)
AGGREGATIONS: Final = (
    "sum",
    "average",
    "minimum",
    "maximum",
    "percentile_95",
    "percentile_99",
    "count",
    "rate",
)
SUCCESS: Final = "success"
FAILURE: Final = "failure"

GAUGE_HEALTH: Final = "health"
GAUGE_PENDING: Final = "queue_pending"
GAUGE_PROCESSING: Final = "queue_processing"

API_PREFIX: Final = "/api/v0/wal/telemetry"
MAX_POINTS: Final = 250_000
"""Most series points (or aggregated leaves) one response may carry."""
MAX_BUCKETS: Final = 10_000
"""Most time buckets one time-series request may ask for."""
REALTIME_WINDOW: Final = 60.0
"""Seconds of recent operations the real-time summary covers."""
MAX_BODY_BYTES: Final = 64 * 1024
"""Largest request body accepted."""
FILTER_MAX_LENGTH: Final = 64

Tree = dict[str, Any]
Labels = tuple[str, ...]
Point = list[float]
Series = list[Point]


@dataclass(frozen=True, slots=True)
class OperationSample:
    """One finished WAL operation: when it ended, what, where, how it ended and how long it took."""

    timestamp: float
    operation_type: str
    backend: str
    status: str
    latency: float
    retries: int = 0


@dataclass(frozen=True, slots=True)
class GaugeSample:
    """One periodic reading: backend health or a queue size, per backend."""

    timestamp: float
    name: str
    backend: str
    value: float


@dataclass(frozen=True, slots=True)
class Selection:
    """Filters of a metrics request; `None` means "any". Time range is `[start_time, end_time)`."""

    operation_type: str | None = None
    backend: str | None = None
    status: str | None = None
    start_time: float | None = None
    end_time: float | None = None

    def with_range(self, start_time: float | None, end_time: float | None) -> Selection:
        """The same filters over another time range."""
        return Selection(self.operation_type, self.backend, self.status, start_time, end_time)
