"""Typed results: attribute access, `to_dict()`, and the original client's `result['field']` reads.

Both server dialects end in these classes. Where the upstream server leaves a field out, it is
derived from what it does send (see `realtime_from_json`), or left as None when it cannot be.
"""

import functools
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from wal_telemetry_sdk import _html
from wal_telemetry_sdk.enums import ReportState, TelemetryAggregation, TelemetryMetricType
from wal_telemetry_sdk.units import unit_of

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped]  # no pandas-stubs in the dev set

    from wal_telemetry_sdk.timeseries import TimeSeries

__all__ = [
    "BackendHealth",
    "Chart",
    "ConfigResult",
    "FileResult",
    "LatencyStats",
    "LatencySummary",
    "MetricSeries",
    "MetricsBucket",
    "MetricsOverTime",
    "MetricsResult",
    "RealtimeMetrics",
    "ReportResult",
    "ReportStatusResult",
    "TelemetryConfig",
    "TimeSeriesResult",
    "ValueSummary",
]


_FIELD_NAMES: dict[type, dict[str, None]] = {}


def _field_names(cls: type) -> dict[str, None]:
    """The public field names of an attrs class, in order (a dict for fast membership tests)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        fields = attrs.fields(cls)
        names = _FIELD_NAMES[cls] = {f.name: None for f in fields if f.name != "extra"}
    return names


class Subscriptable:
    """Read access by key, as in the original client's examples: `metrics['success_rate']`."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        if key in _field_names(type(self)):
            return getattr(self, key)
        extra: dict[str, Any] = getattr(self, "extra", {})
        return extra[key]

    def __contains__(self, key: object) -> bool:
        return key in _field_names(type(self)) or key in getattr(self, "extra", {})

    def get(self, key: str, default: Any = None) -> Any:
        """The value of `key`, or `default` when the result has no such field."""
        try:
            return self[key]
        except KeyError:
            return default

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dicts, lists, numbers, strings); unknown server fields are merged back in."""
        return _plain(self)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        data = {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
        extra = getattr(value, "extra", {})
        return {**extra, **data}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


@attrs.frozen
class LatencySummary(Subscriptable):
    """Overall latency of recent operations, in milliseconds; None where the server cannot say."""

    average: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    percentile_95: float | None = None
    percentile_99: float | None = None
    count: int = 0

    @property
    def unit(self) -> str:
        """The unit of every figure but `count` (operations): "ms"."""
        return "ms"


@attrs.frozen
class ValueSummary(Subscriptable):
    """One overall value (None when unknown) and the per-`operation:backend` values behind it."""

    value: float | None = None
    by_key: dict[str, float] = attrs.field(factory=dict)


@attrs.frozen
class LatencyStats(Subscriptable):
    """Latency of one `operation:backend` pair, in milliseconds (`count`: operations)."""

    mean: float | None = None
    median: float | None = None
    min: float | None = None
    max: float | None = None
    percentile_95: float | None = None
    count: float = 0.0


@attrs.frozen
class BackendHealth(Subscriptable):
    """The health of one backend: value 1.0 online, 0.5 degraded, 0.0 offline."""

    status: str | None
    value: float | None


@attrs.frozen
class RealtimeMetrics(Subscriptable):
    """The latest real-time metrics, the same shape whichever server dialect sent them."""

    success: bool
    operation: str | None
    timestamp: float | None
    window_seconds: float | None
    operation_latency: LatencySummary
    success_rate: ValueSummary
    error_rate: ValueSummary
    throughput: ValueSummary
    operation_count: ValueSummary
    queue_size: ValueSummary
    retry_count: ValueSummary
    backend_health: dict[str, BackendHealth]
    latency: dict[str, LatencyStats]
    status_distribution: dict[str, float]
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    def _repr_html_(self) -> str:
        """Jupyter shows the headline figures as a table, each with its unit."""
        return _html.table(["metric", "value"], _html.realtime_rows(self))


@attrs.frozen
class MetricSeries(Subscriptable):
    """One leaf of a metrics tree: its labels, and its `[timestamp, value]` points or one value."""

    labels: tuple[str, ...]
    points: list[list[float]] = attrs.field(factory=list)
    value: float | None = None

    @property
    def is_aggregated(self) -> bool:
        """Whether the server reduced this series to one number."""
        return not self.points and self.value is not None


@attrs.frozen
class MetricsResult(Subscriptable):
    """Stored metrics: the raw label tree and the same data as a flat list of series."""

    success: bool
    operation: str | None
    timestamp: float | None
    metric_type: TelemetryMetricType | str | None
    aggregation: TelemetryAggregation | str | None
    metrics: dict[str, Any]
    series: list[MetricSeries]
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def unit(self) -> str | None:
        """The unit of every value, e.g. "ms" (None for all metric types at once, or a type
        this SDK does not know, whose values are as the server sent them)."""
        return _unit_symbol(self.metric_type)

    def _repr_html_(self) -> str:
        """Jupyter shows one row per series: its points and its last or aggregated value."""
        return _html.series_table(self.series, self.metric_type)

    def to_timeseries(self) -> "TimeSeries":
        """The metrics as a columnar `TimeSeries` (an aggregated number is one point at
        `timestamp`), for resampling, trends, anomalies or `to_pandas()`."""
        from wal_telemetry_sdk.timeseries import TimeSeries

        kind = None if self.metric_type is None else str(self.metric_type)
        return TimeSeries.from_metrics_tree(
            self.metrics, metric_type=kind, timestamp=self.timestamp
        )


@attrs.frozen
class ReportResult(Subscriptable):
    """A report the server started writing; `report_id` is derived when the server leaves it out."""

    success: bool
    operation: str | None
    timestamp: float | None
    report_id: str | None
    report_path: str | None
    report_url: str | None
    status: ReportState | str | None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class TelemetryConfig(Subscriptable):
    """The telemetry settings; a setting the server does not report is None."""

    enabled: bool | None = None
    metrics_path: str | None = None
    retention_days: int | None = None
    sampling_interval: int | None = None
    enable_detailed_timing: bool | None = None
    operation_hooks: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class ConfigResult(Subscriptable):
    """The settings as the server reports them, with a warning about changes needing a restart."""

    success: bool
    operation: str | None
    timestamp: float | None
    config: TelemetryConfig
    warning: str | None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class FileResult(Subscriptable):
    """A file from the server (a report file or a chart), and where it was saved, if anywhere."""

    url: str
    content: bytes | None = attrs.field(default=None, repr=False)
    content_type: str | None = None
    saved_path: str | None = None
    opened_in_browser: bool = False

    @property
    def saved(self) -> bool:
        """Whether the file was written to `saved_path`."""
        return self.saved_path is not None


@attrs.frozen
class Chart(FileResult):
    """A PNG chart and who drew it: `source` is "server", or "client" for one drawn here."""

    source: str = "server"

    def _repr_png_(self) -> bytes | None:
        """Jupyter shows the chart itself."""
        return self.content


@attrs.frozen
class MetricsBucket(Subscriptable):
    """The metrics of one time bucket: its bounds, its midpoint, its tree and series."""

    start_time: float
    end_time: float
    timestamp: float
    metrics: dict[str, Any]
    series: list[MetricSeries]


@attrs.frozen
class TimeSeriesResult(Subscriptable):
    """A metric bucketed on the server in one request (reference server only)."""

    success: bool
    operation: str | None
    timestamp: float | None
    metric_type: TelemetryMetricType | str | None
    aggregation: TelemetryAggregation | str | None
    start_time: float | None
    end_time: float | None
    step: float | None
    buckets: list[MetricsBucket]
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def unit(self) -> str | None:
        """The unit of every value in the buckets, e.g. "ms"."""
        return _unit_symbol(self.metric_type)

    def _repr_html_(self) -> str:
        """Jupyter shows one row per bucket and a column per series."""
        return _html.buckets_table(self.buckets, self.metric_type)


@attrs.frozen
class ReportStatusResult(Subscriptable):
    """A report's state and the files written so far (reference server only)."""

    success: bool | None
    report_id: str
    status: ReportState | str
    files: list[str]
    created_at: float | None
    completed_at: float | None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class MetricsOverTime(Subscriptable):
    """A metric over consecutive time buckets, oldest first, in the original client's shape.

    `time_series` holds the buckets as the original client returned them; `series` gives the same
    data as a columnar `TimeSeries` for analysis. `source` says how it was fetched:
    `"timeseries"` (one server-side query) or `"per-bucket"` (one request per bucket).
    """

    metric_type: TelemetryMetricType
    start_time: float
    end_time: float
    interval: str | float
    time_series: list[MetricsBucket] = attrs.field(factory=list)
    source: str | None = None
    success: bool = True
    operation: str = "get_metrics_over_time"
    timestamp: float = attrs.field(factory=time.time)

    @property
    def unit(self) -> str | None:
        """The unit of every value, e.g. "ms" for latency."""
        return _unit_symbol(self.metric_type)

    def to_pandas(self) -> "pandas.DataFrame":
        """The buckets as a DataFrame (see `TimeSeries.to_pandas`), its unit in the header."""
        return self.series.to_pandas()

    def _repr_html_(self) -> str:
        """Jupyter shows one row per bucket and a column per series."""
        return _html.buckets_table(self.time_series, self.metric_type)

    def filled(self, buckets: list[MetricsBucket], *, source: str) -> "MetricsOverTime":
        """This result with its buckets, stamped now."""
        return attrs.evolve(self, time_series=buckets, source=source, timestamp=time.time())

    @functools.cached_property
    def series(self) -> "TimeSeries":
        """The buckets as a columnar `TimeSeries`: one point per bucket and series label."""
        from wal_telemetry_sdk.timeseries import TimeSeries

        buckets = [
            {"timestamp": b.timestamp, "end_time": b.end_time, "metrics": b.metrics}
            for b in self.time_series
        ]
        return TimeSeries.from_buckets(buckets, metric_type=self.metric_type.value)


def _unit_symbol(metric_type: object) -> str | None:
    unit = None if metric_type is None else unit_of(metric_type)
    return None if unit is None else unit.symbol
