"""What a chart of each metric type shows, decided once for every renderer (PNG and SVG alike).

Pure Python: no matplotlib, no numpy. Callers hand `design` their series in display units
(latency in ms, rates in %), already in clock-aligned buckets (`bucketed` makes them from raw
points); renderers paint the `ChartModel` it returns and decide nothing about content.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "EMPTY_MESSAGE",
    "KINDS",
    "OTHERS_COLOUR",
    "PALETTE",
    "STATE_COLOURS",
    "TOP_SERIES",
    "ChartModel",
    "Line",
    "StateSpan",
    "bucket_seconds",
    "bucketed",
    "described",
    "design",
    "design_totals",
    "health_state",
    "summarised",
    "time_ticks",
]

# Okabe-Ito (without yellow and black) followed by Paul Tol's muted colours: distinct for the
# common colour-vision deficiencies, none of them grey.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#332288",
    "#882255",
    "#999933",
    "#44AA99",
    "#8C564B",
    "#DDCC77",
)
OTHERS_COLOUR = "#9E9E9E"
# Green, amber and red as on-call people expect them, far apart in lightness too, so online and
# offline stay apart for red-green colour blindness.
STATE_COLOURS: dict[str, str] = {
    "online": "#4DAC26",
    "degraded": "#F0A202",
    "offline": "#A50F15",
    "unknown": "#C8C8C8",
}
TOP_SERIES = 8
MAX_BUCKETS = 120
BRIDGED_BUCKETS = 4  # a line goes on across up to this many empty buckets
EMPTY_MESSAGE = "No data for this selection"

Points = Sequence[tuple[float, float | None]]
"""A series as `(unix seconds, value)` pairs; a None value is a gap."""

# Clock-aligned steps (seconds) for buckets and ticks; days and weeks align to UTC midnight.
NICE_STEPS = (
    *(1, 2, 5, 10, 15, 30),
    *(60, 120, 300, 600, 900, 1800),
    *(3600, 7200, 10800, 21600, 43200),
    *(86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400),
)
DAY = 86400


@dataclass(frozen=True, slots=True)
class Line:
    """One drawn series: its values in display units and, for latency, the p95 band top."""

    name: str
    colour: str
    times: tuple[float, ...]
    values: tuple[float, ...]
    high: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class StateSpan:
    """A stretch of time one backend spent in one state (a key of `STATE_COLOURS`)."""

    lane: str
    start: float
    end: float
    state: str


@dataclass(frozen=True, slots=True)
class ChartModel:
    """Everything a renderer needs to paint one chart, and nothing it may decide itself.

    `kind`: "band" (latency), "percent" (rates), "state" (health lanes), "bars" (counts and
    retries, stacked per bucket), "step" (queue), "line" (throughput), "totals" (one number per
    series, horizontal bars without a time axis).
    """

    metric_type: str
    kind: str
    title: str
    subtitle: str
    y_label: str
    y_range: tuple[float, float] | None
    x_ticks: tuple[tuple[float, str], ...]
    lines: tuple[Line, ...]
    spans: tuple[StateSpan, ...] = ()
    empty_message: str | None = None
    x_range: tuple[float, float] | None = None
    bucket_seconds: float | None = None
    lanes: tuple[str, ...] = ()
    y_log: bool = False  # a logarithmic value axis (latency spans milliseconds to seconds)


@dataclass(frozen=True, slots=True)
class _Kind:
    """How a metric type is drawn and reduced per bucket."""

    kind: str
    title: str
    y_label: str  # "{bucket}" is replaced by the bucket's length, e.g. "5 min"
    reduced_as: str  # what one bucket's value is, for the subtitle
    unit: str
    reduce: Callable[[Sequence[float]], float]
    others_are: str = "mean"  # how the series beyond the top ones combine: "mean" or "total"
    lowest_first: bool = False  # rank by the lowest values (success rate: the worst first)
    log: bool = False  # values span orders of magnitude: a logarithmic axis


def _p95(values: Sequence[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


KINDS: dict[str, _Kind] = {
    "operation_latency": _Kind(
        "band", "Operation latency: median with p95 band", "Latency (ms)",
        "median and p95 per bucket", "ms", statistics.median, log=True,
    ),
    "success_rate": _Kind(
        "percent", "Success rate", "Operations that succeeded (%)",
        "mean per bucket", "%", statistics.fmean, lowest_first=True,
    ),
    "error_rate": _Kind(
        "percent", "Error rate", "Operations that failed (%)", "mean per bucket", "%",
        statistics.fmean,
    ),
    "backend_health": _Kind(
        "state", "Backend health: state over time", "Backend", "worst state per bucket",
        "online / degraded / offline", min,
    ),
    "operation_count": _Kind(
        "bars", "Operation count", "Operations per {bucket}", "total per bucket", "operations",
        math.fsum, others_are="total",
    ),
    "retry_count": _Kind(
        "bars", "Retries", "Retries per {bucket}", "total per bucket", "retries", math.fsum,
        others_are="total",
    ),
    "queue_size": _Kind(
        "step", "Queue size", "Operations in queue", "maximum per bucket", "operations", max,
        others_are="total",
    ),
    "throughput": _Kind(
        "line", "Throughput", "Throughput (ops/s)", "mean per bucket", "ops/s",
        statistics.fmean, others_are="total",
    ),
}  # fmt: skip
_UNKNOWN = _Kind("line", "", "", "mean per bucket", "", statistics.fmean)


def health_state(value: float) -> str:
    """The state of a health value (1.0 online, 0.5 degraded, 0.0 offline)."""
    if math.isnan(value):
        return "unknown"
    if value >= 0.75:
        return "online"
    if value >= 0.25:
        return "degraded"
    return "offline"


# -- time ----------------------------------------------------------------------------------


def bucket_seconds(start: float, end: float, minimum: float = 1.0) -> float:
    """The clock-aligned bucket length that cuts `start`..`end` into at most `MAX_BUCKETS`."""
    wanted = max(minimum, (end - start) / MAX_BUCKETS)
    return float(next((s for s in NICE_STEPS if s >= wanted), math.ceil(wanted / DAY) * DAY))


def _utc(seconds: float, pattern: str) -> str:
    try:
        return time.strftime(pattern, time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):  # outside the calendar's range
        return f"{seconds:.0f}"


def time_ticks(start: float, end: float, max_ticks: int = 8) -> tuple[tuple[float, str], ...]:
    """Ticks on whole minutes, hours or UTC days within `start`..`end`, labelled in ISO form:
    "2026-12-01" at a day's start, "18:00" (or "18:00:30") between."""
    span = end - start
    if not (math.isfinite(span) and span > 0):
        return ()
    step = next((s for s in NICE_STEPS if span / s <= max_ticks), None)
    if step is None:
        step = math.ceil(span / max_ticks / DAY) * DAY
    first = math.ceil(start / step) * step
    pattern = "%H:%M:%S" if step < 60 else "%H:%M"
    ticks = []
    tick = float(first)
    while tick <= end:
        label = _utc(tick, "%Y-%m-%d" if tick % DAY == 0 else pattern)
        ticks.append((tick, label))
        tick += step
    return tuple(ticks)


def _window_text(start: float, end: float) -> str:
    """ "2026-12-01 04:00 to 2026-12-02 04:00 UTC"; the end's date only when it differs."""
    clock = "%H:%M:%S" if end - start < 600 else "%H:%M"
    same_day = _utc(start, "%Y-%m-%d") == _utc(end, "%Y-%m-%d")
    dated = "%Y-%m-%d " + clock
    return f"{_utc(start, dated)} to {_utc(end, clock if same_day else dated)} UTC"


def _duration(seconds: float) -> str:
    """A bucket's length after "per": "5 min", "hour", "day", "30 s"."""
    for size, short, single in ((DAY, "days", "day"), (3600, "h", "hour"), (60, "min", "minute")):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return single if count == 1 else f"{count} {short}"
    return f"{seconds:g} s"


def _bucket_words(seconds: float) -> str:
    """ "5-minute buckets", "1-hour buckets", "30-second buckets"."""
    for size, word in ((DAY, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}-{word} buckets"
    return f"{seconds:g}-second buckets"


def described(operation_type: str | None, backend: str | None, status: str | None) -> str:
    """A selection's filters as the subtitle names them: "operation=add, backend=s3"."""
    pairs = (("operation", operation_type), ("backend", backend), ("status", status))
    return ", ".join(f"{name}={value}" for name, value in pairs if value is not None)


# -- bucketing raw points ------------------------------------------------------------------


def bucketed(
    metric_type: str, series: Mapping[str, Points], start: float, step: float
) -> tuple[dict[str, list[tuple[float, float]]], dict[str, list[tuple[float, float]]]]:
    """Raw points reduced per bucket of `step` seconds from `start` as the chart of
    `metric_type` draws them (latency: median, plus the p95 as the second mapping)."""
    reduce = KINDS.get(metric_type, _UNKNOWN).reduce
    values: dict[str, list[tuple[float, float]]] = {}
    p95: dict[str, list[tuple[float, float]]] = {}
    for name, points in series.items():
        groups: dict[int, list[float]] = {}
        for when, value in points:
            if value is not None and not math.isnan(value):
                groups.setdefault(math.floor((when - start) / step), []).append(value)
        indexes = sorted(groups)
        values[name] = [(start + i * step, reduce(groups[i])) for i in indexes]
        if metric_type == "operation_latency":
            p95[name] = [(start + i * step, _p95(groups[i])) for i in indexes]
    return values, p95


def summarised(metric_type: str, values: Sequence[float]) -> float:
    """One bucket's raw values as its chart draws them (latency: the median)."""
    return KINDS.get(metric_type, _UNKNOWN).reduce(values)


# -- the design ----------------------------------------------------------------------------


def design(
    metric_type: str,
    series: Mapping[str, Points],
    *,
    window: tuple[float, float] | None = None,
    bucket: float | None = None,
    p95: Mapping[str, Points] | None = None,
    selection: str = "",
) -> ChartModel:
    """The chart of one metric type from bucketed series in display units.

    `series` maps a name ("add / ipfs") to `(bucket start, value)` points; `p95` the latency
    band tops by the same names; `window` is the time shown (the points' extent when None);
    `selection` describes the filters ("operation=add"), shown in the subtitle.
    """
    spec = KINDS.get(metric_type, _UNKNOWN)
    title = spec.title or metric_type.replace("_", " ").capitalize()
    cleaned = {name: _cleaned(points) for name, points in series.items()}
    cleaned = {name: points for name, points in cleaned.items() if points}
    if window is None and cleaned:
        everything = [t for points in cleaned.values() for t, _ in points]
        window = (min(everything), max(everything) + (bucket or 0.0))
    parts = [_window_text(*window)] if window is not None else []
    if bucket:
        parts.append(_bucket_words(bucket))
    parts.append(f"{spec.reduced_as} ({spec.unit})" if spec.unit else spec.reduced_as)
    if selection:
        parts.append(selection)
    y_label = spec.y_label.replace("{bucket}", _duration(bucket) if bucket else "bucket")
    lines: tuple[Line, ...] = ()
    spans: tuple[StateSpan, ...] = ()
    lanes: tuple[str, ...] = ()
    y_range: tuple[float, float] | None = None
    if window is not None and spec.kind == "state":
        lanes = tuple(sorted(cleaned))
        spans = tuple(s for lane in lanes for s in _spans(lane, cleaned[lane], window[1], bucket))
    elif window is not None and cleaned:
        tops = {name: _cleaned((p95 or {}).get(name, ())) for name in cleaned}
        lines, ranked = _top_lines(spec, cleaned, tops, bucket)
        parts.extend([ranked] if ranked else [])
        y_range = (0.0, 100.0) if spec.kind == "percent" else _y_range(spec, lines)
    return ChartModel(
        metric_type=metric_type,
        kind=spec.kind,
        title=title,
        subtitle=" · ".join(parts),
        y_label=y_label or metric_type,
        y_range=y_range,
        x_ticks=time_ticks(*window) if window is not None else (),
        lines=lines,
        spans=spans,
        empty_message=None if lines or spans else EMPTY_MESSAGE,
        x_range=window,
        bucket_seconds=bucket,
        lanes=lanes,
        y_log=spec.log and bool(lines),
    )


def design_totals(
    metric_type: str, numbers: Mapping[str, float], *, selection: str = ""
) -> ChartModel:
    """One number per series (an aggregated metrics tree) as ranked horizontal bars."""
    spec = KINDS.get(metric_type, _UNKNOWN)
    series = {name: [(0.0, v)] for name, v in numbers.items() if math.isfinite(v)}
    ranked, note = _top_lines(spec, series, {name: [] for name in series}, None)
    lines = [dataclasses.replace(line, times=()) for line in ranked]
    parts = [f"one value per series ({spec.unit})" if spec.unit else "one value per series"]
    parts.extend(part for part in (note, selection) if part)
    top = max((line.values[0] for line in lines), default=0.0)
    return ChartModel(
        metric_type=metric_type,
        kind="totals",
        title=spec.title or metric_type.replace("_", " ").capitalize(),
        subtitle=" · ".join(parts),
        y_label=spec.y_label.replace(" per {bucket}", "") or metric_type,
        y_range=(0.0, 100.0) if spec.kind == "percent" else (0.0, _nice_top(top)),
        x_ticks=(),
        lines=tuple(lines),
        empty_message=None if lines else EMPTY_MESSAGE,
    )


def _cleaned(points: Points) -> list[tuple[float, float]]:
    """Points in time order, gaps (None) as nan; empty when no point has a value."""
    out = sorted((float(t), math.nan if v is None else float(v)) for t, v in points)
    return out if any(not math.isnan(v) for _, v in out) else []


def _rank_value(points: list[tuple[float, float]]) -> float:
    finite = [v for _, v in points if math.isfinite(v)]
    return statistics.fmean(finite) if finite else -math.inf


def _top_lines(
    spec: _Kind,
    series: dict[str, list[tuple[float, float]]],
    tops: dict[str, list[tuple[float, float]]],
    bucket: float | None,
) -> tuple[tuple[Line, ...], str]:
    """The `TOP_SERIES` series ranked by their plotted value (latency: p95), one colour each,
    and the rest combined into one grey "others" line; plus the subtitle's ranking note."""

    def rank(name: str) -> float:
        value = _rank_value(tops[name] or series[name])
        return value if spec.lowest_first else -value

    ordered = sorted(series, key=lambda name: (rank(name), name))
    shown = ordered[:TOP_SERIES] if len(ordered) > TOP_SERIES + 1 else ordered
    times = sorted({t for points in series.values() for t, _ in points})
    lines = [
        _line(name, PALETTE[i], times, series[name], tops[name]) for i, name in enumerate(shown)
    ]
    rest = ordered[len(shown) :]
    if rest:
        lines.append(_others(spec, rest, times, series, tops))
    if spec.kind != "bars":  # only a stack needs every line on every bucket
        lines = [_bridged(line, bucket) for line in lines]
    if not rest:
        return tuple(lines), ""
    basis = "p95" if any(tops.values()) else ("lowest mean" if spec.lowest_first else "mean")
    return tuple(lines), f"top {len(shown)} of {len(ordered)} series by {basis}"


def _bridged(line: Line, bucket: float | None) -> Line:
    """A line through its own points: buckets without a value are left out, so a sparse series
    still draws as a line, but a silence longer than `BRIDGED_BUCKETS` buckets stays a gap."""
    longest = BRIDGED_BUCKETS * bucket if bucket else math.inf
    rows: list[tuple[float, int | None]] = []  # (time, index of its values; None: a gap)
    for index, when in enumerate(line.times):
        if math.isnan(line.values[index]):
            continue
        if rows and when - rows[-1][0] > longest:
            rows.append((rows[-1][0] + (bucket or 0.0), None))
        rows.append((when, index))

    def taken(column: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(math.nan if index is None else column[index] for _, index in rows)

    return Line(
        line.name,
        line.colour,
        tuple(when for when, _ in rows),
        taken(line.values),
        high=None if line.high is None else taken(line.high),
    )


def _aligned(times: list[float], points: list[tuple[float, float]]) -> list[float]:
    by_time = dict(points)
    return [by_time.get(t, math.nan) for t in times]


def _line(
    name: str,
    colour: str,
    times: list[float],
    points: list[tuple[float, float]],
    top: list[tuple[float, float]],
) -> Line:
    return Line(
        name,
        colour,
        tuple(times),
        tuple(_aligned(times, points)),
        high=tuple(_aligned(times, top)) if top else None,
    )


def _combined(spec: _Kind, columns: list[list[float]]) -> tuple[float, ...]:
    out = []
    for column in zip(*columns, strict=True):
        finite = [v for v in column if not math.isnan(v)]
        if not finite:
            out.append(math.nan)
        elif spec.others_are == "total":
            out.append(math.fsum(finite))
        else:
            out.append(statistics.fmean(finite))
    return tuple(out)


def _others(
    spec: _Kind,
    names: list[str],
    times: list[float],
    series: dict[str, list[tuple[float, float]]],
    tops: dict[str, list[tuple[float, float]]],
) -> Line:
    values = _combined(spec, [_aligned(times, series[name]) for name in names])
    high = None
    if all(tops[name] for name in names):
        high = _combined(spec, [_aligned(times, tops[name]) for name in names])
    name = f"others ({len(names)} series, {spec.others_are})"
    return Line(name, OTHERS_COLOUR, tuple(times), values, high=high)


def _nice_top(value: float) -> float:
    """A round axis top at or just above `value` (1, 2, 2.5, 5 times a power of ten)."""
    if not (math.isfinite(value) and value > 0):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= value)


def _y_range(spec: _Kind, lines: tuple[Line, ...]) -> tuple[float, float]:
    """From zero (a power of ten below the lowest value on a log axis) to a round number above
    the highest value drawn (the stack's top for bars)."""
    drawn = [v for line in lines for v in (*line.values, *(line.high or ())) if v > 0]
    if spec.kind == "bars":
        columns = zip(*(line.values for line in lines), strict=True)
        top = max((math.fsum(v for v in c if not math.isnan(v)) for c in columns), default=0.0)
    else:
        top = max(drawn, default=0.0)
    if spec.log and drawn:
        return 10.0 ** math.floor(math.log10(min(drawn))), _nice_top(top * 1.05)
    return 0.0, _nice_top(top * 1.05)


def _spans(
    lane: str, points: list[tuple[float, float]], end: float, bucket: float | None
) -> list[StateSpan]:
    """A backend's health samples as state spans: each sample lasts until the next one, at
    most two buckets (or two typical sample gaps); longer silences are "unknown"."""
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(points)]
    reach = 2 * (bucket or (statistics.median(gaps) if gaps else 0.0)) or math.inf
    spans: list[StateSpan] = []

    def add(start: float, stop: float, state: str) -> None:
        if stop <= start:
            return
        if spans and spans[-1].state == state and spans[-1].end >= start:
            spans[-1] = StateSpan(lane, spans[-1].start, stop, state)
        else:
            spans.append(StateSpan(lane, start, stop, state))

    for index, (when, value) in enumerate(points):
        following = points[index + 1][0] if index + 1 < len(points) else end
        stop = min(following, when + reach)
        add(when, stop, health_state(value))
        if following > stop and index + 1 < len(points):
            add(stop, following, "unknown")
    return spans
