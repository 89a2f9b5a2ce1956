"""Columnar time series built from metrics trees or time buckets, with small analyses on top.

Each series label (the keys on the path to a leaf, e.g. `("append", "json")`) holds its
timestamps and values as two `array('d')` columns, sorted by time: 100k points cost 1.6 MB,
not 100k objects. Analyses use the standard library only; pandas is imported by `to_pandas`.
"""

from __future__ import annotations

import math
import statistics
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from wal_telemetry_sdk.units import unit_of

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped]  # no pandas-stubs in the dev set

__all__ = ["RESAMPLE_METHODS", "Series", "TimeSeries", "Trend"]

Labels = tuple[str, ...]


def iter_leaves(tree: Mapping[str, Any], prefix: Labels = ()) -> Iterator[tuple[Labels, Any]]:
    """Yield `(labels, leaf)` for every leaf, labels being the keys on the path from the root.

    A leaf is a series (a list of `[timestamp, value]` pairs, possibly empty) or one number.
    """
    for key, node in tree.items():
        labels = (*prefix, str(key))
        if isinstance(node, Mapping):
            yield from iter_leaves(node, labels)
        else:
            yield labels, node


_Reducer = Callable[[list[float]], float]
_REDUCERS: dict[str, _Reducer] = {
    "average": statistics.fmean,
    "sum": math.fsum,
    "minimum": min,
    "maximum": max,
    "count": len,
    "last": lambda values: values[-1],
}
RESAMPLE_METHODS = tuple(_REDUCERS)


@attrs.frozen
class Series:
    """One labelled series: equally long `timestamps` (Unix seconds) and `values` columns."""

    labels: Labels
    timestamps: array[float]
    values: array[float]

    @property
    def name(self) -> str:
        """The labels joined with ":", as used for pandas columns."""
        return ":".join(self.labels)

    def __len__(self) -> int:
        return len(self.timestamps)

    def __iter__(self) -> Iterator[tuple[float, float]]:
        return zip(self.timestamps, self.values, strict=True)


@attrs.frozen
class Trend:
    """A least-squares slope (per hour) and the change from the first to the last value."""

    slope_per_hour: float | None  # None with fewer than two distinct timestamps
    percent_change: float | None  # None when the first value is 0 or there is no point
    first: float | None
    last: float | None
    n: int


class TimeSeries(Mapping[Labels, Series]):
    """Series by label, read-only: `ts["append", "json"].values`, `len(ts)`, `for labels in ts`."""

    __slots__ = ("_series", "metric_type")

    def __init__(self, series: Iterable[Series] = (), *, metric_type: str | None = None) -> None:
        self._series = {s.labels: s for s in series}
        self.metric_type = metric_type

    @classmethod
    def from_metrics_tree(
        cls,
        tree: Mapping[str, Any],
        *,
        metric_type: str | None = None,
        timestamp: float | None = None,
    ) -> TimeSeries:
        """Build from a `metrics` tree whose leaves are `[timestamp, value]` lists or numbers.

        A number leaf (an aggregated tree) becomes one point at `timestamp` (the response's
        timestamp; now when not given). `None` and leaves of other types are skipped.
        """
        at = time.time() if timestamp is None else timestamp
        builder = _Builder()
        for labels, leaf in iter_leaves(tree):
            builder.add(labels, leaf, at)
        return builder.build(metric_type)

    @classmethod
    def from_buckets(
        cls, buckets: Iterable[Mapping[str, Any]], *, metric_type: str | None = None
    ) -> TimeSeries:
        """Build from time buckets `{start_time, end_time, timestamp?, metrics}`.

        Each number leaf of a bucket's `metrics` becomes one point at the bucket's `timestamp`,
        or its `end_time` when it has none; series leaves add their own points.
        """
        builder = _Builder()
        for bucket in buckets:
            at = bucket.get("timestamp")
            at = float(bucket["end_time"] if at is None else at)
            for labels, leaf in iter_leaves(bucket.get("metrics") or {}):
                builder.add(labels, leaf, at)
        return builder.build(metric_type)

    def __getitem__(self, labels: Labels | str) -> Series:
        """The series for a label tuple; a string is a one-key label or a ":"-joined name."""
        if isinstance(labels, str):
            key = (labels,) if (labels,) in self._series else tuple(labels.split(":"))
            return self._series[key]
        return self._series[tuple(labels)]

    def __len__(self) -> int:
        return len(self._series)

    def __iter__(self) -> Iterator[Labels]:
        return iter(self._series)

    def __repr__(self) -> str:
        return (
            f"<TimeSeries {self.metric_type or ''} {len(self)} series, {self.point_count} points>"
        )

    @property
    def unit(self) -> str | None:
        """The unit of every value, e.g. "ms" (None when the metric type is not known)."""
        unit = None if self.metric_type is None else unit_of(self.metric_type)
        return None if unit is None else unit.symbol

    @property
    def labels(self) -> list[Labels]:
        """Every series label, in the order the server sent them."""
        return list(self._series)

    @property
    def point_count(self) -> int:
        """The number of points over all series."""
        return sum(len(s) for s in self._series.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: `{"metric_type", "series": [{labels, timestamps, values}]}`."""
        return {
            "metric_type": self.metric_type,
            "series": [
                {
                    "labels": list(s.labels),
                    "timestamps": s.timestamps.tolist(),
                    "values": s.values.tolist(),
                }
                for s in self._series.values()
            ],
        }

    def to_pandas(self) -> pandas.DataFrame:
        """A wide DataFrame: a UTC DatetimeIndex named "timestamp", one column per series name.

        The column axis is named for the metric and its unit ("operation_latency (ms)"), which
        `frame.attrs["unit"]` also holds. Series are aligned on the union of their timestamps
        (NaN where a series has no point); within a series a repeated timestamp keeps its last
        value. Needs pandas (extra `[pandas]`).
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "to_pandas needs pandas: pip install 'wal-telemetry-sdk[pandas]'"
            ) from exc
        columns = {}
        for s in self._series.values():
            index = pd.to_datetime(s.timestamps.tolist(), unit="s", utc=True)
            column = pd.Series(s.values.tolist(), index=index, dtype="float64")
            columns[s.name] = column[~column.index.duplicated(keep="last")]
        frame = (
            pd.DataFrame(columns) if columns else pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"))
        )
        frame.index.name = "timestamp"
        if self.metric_type is not None:
            unit = self.unit
            frame.columns.name = f"{self.metric_type} ({unit})" if unit else self.metric_type
        frame.attrs["unit"] = self.unit
        return frame

    def resample(self, step_seconds: float, how: str = "average") -> TimeSeries:
        """Bucket every series into `step_seconds` windows aligned to the Unix epoch.

        A bucket's point sits at the bucket's start; empty buckets are left out. `how` is one of
        `RESAMPLE_METHODS` (the aggregation names of the API, plus "last").
        """
        how = str(getattr(how, "value", how))
        if how not in _REDUCERS:
            raise ValueError(f"how must be one of {', '.join(RESAMPLE_METHODS)}, not {how!r}")
        if not step_seconds > 0:
            raise ValueError(f"step_seconds must be positive, not {step_seconds!r}")
        reduce = _REDUCERS[how]
        resampled = []
        for s in self._series.values():
            buckets: dict[float, list[float]] = {}
            for t, v in s:
                buckets.setdefault(math.floor(t / step_seconds) * step_seconds, []).append(v)
            values = array("d", (reduce(group) for group in buckets.values()))
            resampled.append(Series(s.labels, array("d", buckets), values))
        return TimeSeries(resampled, metric_type=self.metric_type)

    def rate_of_change(self) -> TimeSeries:
        """Change per second between consecutive points, at the later point's timestamp.

        A series of n points gives n - 1 rates; pairs sharing a timestamp are skipped.
        """
        rated = []
        for s in self._series.values():
            ts, vs = s.timestamps, s.values
            pairs = [
                (ts[i], (vs[i] - vs[i - 1]) / (ts[i] - ts[i - 1]))
                for i in range(1, len(ts))
                if ts[i] > ts[i - 1]
            ]
            rated.append(_series(s.labels, pairs))
        return TimeSeries(rated, metric_type=self.metric_type)

    def trend(self) -> dict[Labels, Trend]:
        """Per label: the least-squares slope per hour and the first-to-last percent change."""
        return {s.labels: _trend(s) for s in self._series.values()}

    def anomalies(self, window: int = 20, threshold: float = 3.0) -> dict[Labels, list[bool]]:
        """Per label, one flag per point: |z| > `threshold` against the `window` points before it.

        The first `window` points are never flagged (no history yet). When the window has no
        spread, any value different from it is flagged.
        """
        if window < 2:
            raise ValueError(f"window must be at least 2, not {window}")
        return {
            s.labels: _rolling_flags(s.values, window, threshold) for s in self._series.values()
        }


class _Builder:
    """Collects leaves into columns per label: whole series, or one point per bucket.

    Whether each label's column is still in time order is tracked as leaves arrive, so the
    usual sorted input is never walked again to find out.
    """

    def __init__(self) -> None:
        self._columns: dict[Labels, tuple[array[float], array[float]]] = {}
        self._unordered: set[Labels] = set()

    def add(self, labels: Labels, leaf: Any, at: float) -> None:
        if isinstance(leaf, list):
            new_ts, new_vs, in_order = _split_points(labels, leaf)
        elif isinstance(leaf, int | float):
            new_ts, new_vs, in_order = array("d", (at,)), array("d", (leaf,)), True
        else:
            return
        if labels in self._columns:
            ts, vs = self._columns[labels]
            in_order = in_order and not (ts and new_ts and new_ts[0] < ts[-1])
            ts.extend(new_ts)
            vs.extend(new_vs)
        else:
            self._columns[labels] = new_ts, new_vs
        if not in_order:
            self._unordered.add(labels)

    def build(self, metric_type: str | None) -> TimeSeries:
        series = [
            _sorted_series(labels, ts, vs) if labels in self._unordered else Series(labels, ts, vs)
            for labels, (ts, vs) in self._columns.items()
        ]
        return TimeSeries(series, metric_type=metric_type)


def _split_points(labels: Labels, points: list[Any]) -> tuple[array[float], array[float], bool]:
    """Split `[[t, v], ...]` into two columns, and whether they are in time order; points with a
    `None` part are dropped."""
    try:
        if set(map(len, points)) <= {2}:
            times = [p[0] for p in points]
            ts, vs = array("d", times), array("d", [p[1] for p in points])
            return ts, vs, times == sorted(times)
    except TypeError:
        pass  # a point without a length, or a None or other non-number: check point by point
    ts, vs = array("d"), array("d")
    for point in points:
        if not (isinstance(point, list | tuple) and len(point) == 2):
            raise ValueError(
                f"series {':'.join(labels)}: a point is [timestamp, value], not {point!r}"
            )
        if None not in point:
            try:
                ts.append(point[0])
                vs.append(point[1])
            except TypeError as exc:
                raise ValueError(
                    f"series {':'.join(labels)}: {point!r} holds a non-number"
                ) from exc
    times = ts.tolist()
    return ts, vs, times == sorted(times)


def _sorted_series(labels: Labels, ts: array[float], vs: array[float]) -> Series:
    """The columns sorted by timestamp (stable)."""
    return _series(labels, sorted(zip(ts, vs, strict=True), key=lambda p: p[0]))


def _series(labels: Labels, pairs: Sequence[tuple[float, float]]) -> Series:
    return Series(labels, array("d", (t for t, _ in pairs)), array("d", (v for _, v in pairs)))


def _trend(s: Series) -> Trend:
    n = len(s)
    if n == 0:
        return Trend(None, None, None, None, 0)
    first, last = s.values[0], s.values[-1]
    percent = (last - first) / abs(first) * 100 if first else None
    t_mean, v_mean = math.fsum(s.timestamps) / n, math.fsum(s.values) / n
    sxx = math.fsum((t - t_mean) ** 2 for t in s.timestamps)
    sxy = math.fsum((t - t_mean) * (v - v_mean) for t, v in s)
    slope = sxy / sxx * 3600 if sxx > 0 else None
    return Trend(slope, percent, first, last, n)


def _rolling_flags(values: array[float], window: int, threshold: float) -> list[bool]:
    flags = [False] * len(values)
    for i in range(window, len(values)):
        history = values[i - window : i]
        mean = math.fsum(history) / window
        spread = math.sqrt(math.fsum([(x - mean) ** 2 for x in history]) / window)
        deviation = abs(values[i] - mean)
        flags[i] = deviation > threshold * spread if spread > 0 else deviation > 0
    return flags
