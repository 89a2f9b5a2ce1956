"""Inline SVG charts for the HTML report, painted from `chart_design`'s `ChartModel`.

The SVG needs nothing from the network; the page's script reads the `data-*` attributes for
hover values and zoom on the time axis (`report_page.SCRIPT`). Numbers are written with four
significant digits, which keeps a 24 h chart of nine series at a few tens of KB.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections.abc import Sequence

from wal_telemetry_sdk.chart_design import STATE_COLOURS, ChartModel, Line
from wal_telemetry_sdk.units import unit_of

WIDTH, HEIGHT = 1200, 340
TOP, BOTTOM, RIGHT = 46, 30, 16
LEFT = 64
LEGEND_ROW = 18
LEGEND_COLUMNS = 4
LANE_HEIGHT = 26


def _num(value: float) -> str:
    """A coordinate or value in few characters."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if math.isfinite(value) else "0"


def _text(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" class="{css}" text-anchor="{anchor}">'
        f"{html.escape(text)}</text>"
    )


def _y_ticks(low: float, high: float) -> list[float]:
    """About five round values from `low` to `high`."""
    span = high - low
    if not span > 0:
        return [low]
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten from `low` to `high`, with 2 and 5 times them when few decades show."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    steps = (1, 2, 5) if last - first <= 3 else (1,)
    ticks = [m * 10.0**e for e in range(first, last + 1) for m in steps]
    return [t for t in ticks if low <= t <= high * 1.0001]


def _y_label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.4g}"


class _Frame:
    """Maps times and values to pixels inside the plot area."""

    def __init__(self, model: ChartModel, left: float, bottom: float) -> None:
        times = [t for line in model.lines for t in line.times]
        times += [t for span in model.spans for t in (span.start, span.end)]
        self.x0, self.x1 = model.x_range or (min(times, default=0.0), max(times, default=1.0))
        if not self.x1 > self.x0:
            self.x1 = self.x0 + 1.0
        self.y0, self.y1 = model.y_range or (0.0, 1.0)
        if not self.y1 > self.y0:
            self.y1 = self.y0 + 1.0
        self.log = model.y_log and self.y0 > 0
        self.left, self.right = left, WIDTH - RIGHT
        self.top, self.bottom = TOP, bottom

    def x(self, t: float) -> float:
        return self.left + (t - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def y(self, v: float) -> float:
        if self.log:
            low, high = math.log10(self.y0), math.log10(self.y1)
            share = (math.log10(v) - low) / (high - low) if v > 0 else -1.0
        else:
            share = (v - self.y0) / (self.y1 - self.y0)
        return self.bottom - min(max(share, -0.02), 1.02) * (self.bottom - self.top)


def _runs(times: Sequence[float], values: Sequence[float]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of finite points (a nan is a gap)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for t, v in zip(times, values, strict=True):
        if math.isfinite(v):
            runs[-1].append((t, v))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _d(value: float) -> str:
    """A path number in as few characters as SVG allows: "3.5", "-.5", "12"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _relative(points: Sequence[tuple[float, float]]) -> str:
    """`M` to the first point, then one `l` with each step as a delta, rounded from absolute
    positions so errors never add up (x to a tenth, y to a whole unit: about a pixel);
    negative numbers need no separator."""
    (x, y), *rest = [(round(px, 1), float(round(py))) for px, py in points]
    out = [f"M{_d(x)} {_d(y)}l" if rest else f"M{_d(x)} {_d(y)}h2"]
    for nx, ny in rest:
        for delta in (nx - x, ny - y):
            text = _d(delta)
            out.append(text if text.startswith("-") or out[-1].endswith("l") else " " + text)
        x, y = nx, ny
    return "".join(out)


def _path(frame: _Frame, line: Line, *, step: bool = False) -> str:
    parts = []
    for run in _runs(line.times, line.values):
        points = [(frame.x(t), frame.y(v)) for t, v in run]
        if step:
            points = [
                corner
                for (x0, y0), (x1, y1) in itertools.pairwise(points)
                for corner in ((x0, y0), (x1, y0))
            ] + points[-1:]
        parts.append(_relative(points))
    return "".join(parts)


def _band(frame: _Frame, line: Line) -> str:
    """The area between the median and the p95 line."""
    if line.high is None:
        return ""
    parts = []
    high = dict(zip(line.times, line.high, strict=True))
    for run in _runs(line.times, [
        v if math.isfinite(h) else math.nan for v, h in zip(line.values, line.high, strict=True)
    ]):  # fmt: skip
        points = [*run, *((t, high[t]) for t, _ in reversed(run))]
        parts.append(_relative([(frame.x(t), frame.y(v)) for t, v in points]) + "z")
    if not parts:
        return ""
    return f'<path d="{"".join(parts)}" fill="{line.colour}" fill-opacity="0.14"/>'


def _bars(frame: _Frame, lines: Sequence[Line], step: float | None) -> str:
    """Stacked bars, one column per bucket; each series one path of relative rectangles."""
    times = lines[0].times
    width = (frame.x(times[0] + step) - frame.x(times[0])) if step else 0.0
    if not width > 0 and len(times) > 1:
        width = (frame.x(times[-1]) - frame.x(times[0])) / (len(times) - 1)
    width = round(max(width * 0.85, 0.6), 1)
    out = []
    stacked = [0.0] * len(times)
    for line in lines:
        rects: list[str] = []
        at = (0.0, 0.0)
        for i, (t, v) in enumerate(zip(times, line.values, strict=True)):
            if not (math.isfinite(v) and v > 0):
                continue
            x, bottom = round(frame.x(t), 1), float(round(frame.y(stacked[i])))
            height = float(round(frame.y(stacked[i]) - frame.y(stacked[i] + v)))
            stacked[i] += v
            move = f"m{_d(x - at[0])} {_d(bottom - at[1])}" if rects else f"M{_d(x)} {_d(bottom)}"
            rects.append(f"{move}v-{_d(height)}h{_d(width)}v{_d(height)}z")
            at = (x, bottom)
        out.append(f'<path d="{"".join(rects)}" fill="{line.colour}"/>')
    return "".join(out)


def _lane_labels(frame: _Frame, model: ChartModel) -> str:
    return "".join(
        _text(frame.left - 8, frame.top + (row + 0.62) * LANE_HEIGHT, lane, "lane", "end")
        for row, lane in enumerate(model.lanes)
    )


def _states(frame: _Frame, model: ChartModel) -> str:
    out = []
    for row, lane in enumerate(model.lanes):
        y = frame.top + row * LANE_HEIGHT
        for span in (s for s in model.spans if s.lane == lane):
            x0, x1 = frame.x(span.start), frame.x(span.end)
            out.append(
                f'<rect x="{_num(x0)}" y="{_num(y + 3)}" width="{_num(max(x1 - x0, 0.6))}"'
                f' height="{LANE_HEIGHT - 6}" fill="{STATE_COLOURS.get(span.state, "#999")}">'
                f"<title>{html.escape(span.lane)}: {html.escape(span.state)}</title></rect>"
            )
    return "".join(out)


def _legend(model: ChartModel, y: float) -> str:
    if model.kind == "state":
        entries = [(state, colour) for state, colour in STATE_COLOURS.items()]
    else:
        entries = [(line.name, line.colour) for line in model.lines]
    column = (WIDTH - LEFT - RIGHT) / LEGEND_COLUMNS
    out = []
    for i, (name, colour) in enumerate(entries):
        x = LEFT + (i % LEGEND_COLUMNS) * column
        row_y = y + (i // LEGEND_COLUMNS) * LEGEND_ROW
        label = name if len(name) <= 34 else name[:33] + "…"
        out.append(
            f'<rect x="{_num(x)}" y="{_num(row_y - 9)}" width="12" height="10" rx="2"'
            f' fill="{colour}"/>' + _text(x + 17, row_y, label, "legend")
        )
    return "".join(out)


def _rounded(values: Sequence[float] | None) -> list[float | None] | None:
    """Values to three significant digits (what a tooltip shows), gaps as null."""
    if values is None:
        return None
    return [float(f"{v:.3g}") if math.isfinite(v) else None for v in values]


def _hover_data(model: ChartModel) -> str:
    """The values the page's script shows on hover: the times (a start and a step when they are
    regular), then each line's name, colour, values and (latency) p95."""
    if model.kind == "state" or not model.lines:
        return ""
    times = [round(t) for t in model.lines[0].times]
    step = times[1] - times[0] if len(times) > 1 else 0
    regular = all(t == times[0] + i * step for i, t in enumerate(times))
    data: dict[str, object] = {"t0": times[0], "dt": step} if regular else {"t": times}
    data["s"] = [
        [line.name, line.colour, _rounded(line.values), _rounded(line.high)] for line in model.lines
    ]
    return f' data-hover="{html.escape(json.dumps(data, separators=(",", ":")))}"'


def svg_of(model: ChartModel) -> str:
    """The chart as an inline `<svg>` element, scaled to the page's width."""
    legend_count = len(STATE_COLOURS) if model.kind == "state" else len(model.lines)
    legend_rows = math.ceil(legend_count / LEGEND_COLUMNS) if not model.empty_message else 0
    lanes = model.lanes
    plot_height = (
        len(lanes) * LANE_HEIGHT if model.kind == "state" and lanes else HEIGHT - TOP - BOTTOM
    )
    left = LEFT
    if model.kind == "state":
        left = max(LEFT, 16 + 7 * max((len(lane) for lane in lanes), default=0))
    bottom = TOP + plot_height
    height = bottom + BOTTOM + legend_rows * LEGEND_ROW + (6 if legend_rows else 0)
    frame = _Frame(model, left, bottom)
    parts = [
        _text(0, 16, model.title, "title"),
        _text(0, 34, model.subtitle, "subtitle"),
    ]
    if model.empty_message:
        parts.append(
            f'<rect x="{left}" y="{TOP}" width="{frame.right - left}" height="{plot_height}"'
            ' class="empty"/>'
        )
        parts.append(
            _text((left + frame.right) / 2, TOP + plot_height / 2, model.empty_message, "note",
                  "middle")
        )  # fmt: skip
    else:
        if model.kind != "state":
            y_ticks = _log_ticks if frame.log else _y_ticks
            for value in y_ticks(frame.y0, frame.y1):
                y = frame.y(value)
                parts.append(
                    f'<line x1="{left}" x2="{frame.right}" y1="{_num(y)}" y2="{_num(y)}"'
                    ' class="grid"/>' + _text(left - 6, y + 4, _y_label(value), "tick", "end")
                )
            parts.append(
                f'<text class="axis" transform="translate(12 {_num((TOP + bottom) / 2)})'
                f' rotate(-90)" text-anchor="middle">{html.escape(model.y_label)}</text>'
            )
        if model.kind == "state":
            parts.append(_lane_labels(frame, model))
        drawn = _draw(frame, model)
        parts.append(
            f'<clipPath id="clip-{model.metric_type}"><rect x="{left}" y="{TOP - 4}"'
            f' width="{frame.right - left}" height="{plot_height + 8}"/></clipPath>'
            f'<g clip-path="url(#clip-{model.metric_type})"><g class="data">{drawn}</g></g>'
        )
        ticks = "".join(
            f'<g transform="translate({_num(frame.x(t))} 0)"><line y1="{bottom}"'
            f' y2="{bottom + 4}"/>' + _text(0, bottom + 17, label, "tick", "middle") + "</g>"
            for t, label in model.x_ticks
        )
        parts.append(f'<g class="xticks">{ticks}</g>')
        parts.append(
            f'<line x1="{left}" x2="{frame.right}" y1="{bottom}" y2="{bottom}" class="axisline"/>'
        )
        parts.append(_legend(model, bottom + BOTTOM + 14))
    attributes = (
        f'class="chart" data-kind="{model.kind}" data-x0="{_num(frame.x0)}"'
        f' data-x1="{_num(frame.x1)}" data-left="{left}" data-right="{frame.right}"'
        f' data-top="{TOP}" data-bottom="{bottom}" data-unit="{html.escape(_unit(model))}"'
        + (' data-empty="1"' if model.empty_message else "")
        + _hover_data(model)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' aria-label="{html.escape(model.title)}" {attributes}>{"".join(parts)}</svg>'
    )


def _unit(model: ChartModel) -> str:
    """The symbol after a hovered value: "ms", "%", "ops/s"."""
    unit = unit_of(model.metric_type)
    return "" if unit is None else unit.shown_symbol


def _draw(frame: _Frame, model: ChartModel) -> str:
    if model.kind == "state":
        return _states(frame, model)
    if model.kind == "bars":
        return _bars(frame, model.lines, model.bucket_seconds)
    out = []
    if model.kind == "band":
        out += [_band(frame, line) for line in model.lines]
    step = model.kind == "step"
    out += [
        f'<path d="{_path(frame, line, step=step)}" stroke="{line.colour}" class="line"/>'
        for line in model.lines
    ]
    return "".join(out)
