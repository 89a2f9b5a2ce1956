"""A `ChartModel` painted as a PNG with matplotlib, by the server's chart workers and the client.

matplotlib (extra `[viz]`) is imported when a chart is drawn, never at import. Every chart is
drawn on a private Agg canvas, so a caller's pyplot state and backend are left untouched.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import TYPE_CHECKING

from wal_telemetry_sdk.chart_design import STATE_COLOURS, ChartModel

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DPI", "draw_png"]

DPI = 100
GRID = "#E0E0E0"
TEXT = "#222222"
MUTED = "#555555"


def draw_png(model: ChartModel, width: float, height: float) -> bytes:
    """The chart as PNG bytes of exactly `width`x`height` inches at 100 dpi."""
    buffer = io.BytesIO()
    drawn(model, width, height).savefig(
        buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()


def drawn(model: ChartModel, width: float, height: float) -> Figure:
    """The chart as a matplotlib figure on its own Agg canvas (not yet rendered)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.layout_engine import ConstrainedLayoutEngine
    except ImportError as exc:
        raise ImportError("charts need matplotlib: pip install 'wal-telemetry-sdk[viz]'") from exc
    size = _font_size(width, height)
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _titles(figure, model, size)
    if model.empty_message is None or model.x_range is not None:
        _frame(axes, model, size)
    else:
        axes.set_axis_off()
    if model.empty_message is not None:
        axes.text(
            0.5, 0.5, model.empty_message, ha="center", va="center", fontsize=size * 1.3,
            color=MUTED, transform=axes.transAxes,
        )  # fmt: skip
        axes.set_yticks([])
    else:
        PAINTERS.get(model.kind, _lines)(axes, model)
        _legend(axes, model, size)
    # Laid out once here: a figure that keeps a layout engine is drawn twice when saved.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a tiny figure cannot fit its layout; draw it anyway
        ConstrainedLayoutEngine().execute(figure)
    return figure


def _font_size(width: float, height: float) -> float:
    """Points for tick labels and legends: 10 pt on the default 12x8 in chart, less on small."""
    return max(5.0, min(10.0, 10.0 * min(width / 10.0, height / 6.0)))


def _titles(figure: Figure, model: ChartModel, size: float) -> None:
    figure.suptitle(
        f"{model.title}\n",
        x=0.01, ha="left", fontsize=size * 1.35, fontweight="bold", color=TEXT,
    )  # fmt: skip
    figure.text(
        0.01, 1.0, f"\n\n{model.subtitle}", ha="left", va="top", fontsize=size, color=MUTED,
        transform=figure.transFigure,
    )  # fmt: skip


def _frame(axes: Axes, model: ChartModel, size: float) -> None:
    """Axes, ticks and grid: the window and ticks from the model, units on the axis labels."""
    axes.tick_params(labelsize=size, colors=MUTED)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    if model.kind == "totals":
        axes.grid(axis="x", color=GRID)
        axes.set_xlabel(model.y_label, fontsize=size, color=TEXT)
        if model.y_range is not None:
            axes.set_xlim(*model.y_range)
        return
    if model.x_range is not None:
        axes.set_xlim(*model.x_range)
    axes.set_xticks([t for t, _ in model.x_ticks], [label for _, label in model.x_ticks])
    axes.set_xlabel("Time (UTC)", fontsize=size, color=TEXT)
    if model.kind == "state":
        return
    axes.grid(axis="y", color=GRID)
    axes.grid(axis="x", color=GRID, linestyle=":")
    axes.set_ylabel(model.y_label, fontsize=size, color=TEXT)
    if model.y_log:
        from matplotlib.ticker import FuncFormatter

        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    if model.y_range is not None:
        axes.set_ylim(*model.y_range)


def _lines(axes: Axes, model: ChartModel) -> None:
    for line in model.lines:
        marker = "o" if len(line.times) < 3 else None
        axes.plot(line.times, line.values, color=line.colour, label=line.name, linewidth=1.6,
                  marker=marker, markersize=4)  # fmt: skip


def _percent(axes: Axes, model: ChartModel) -> None:
    from matplotlib.ticker import PercentFormatter

    _lines(axes, model)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))


def _band(axes: Axes, model: ChartModel) -> None:
    for line in model.lines:
        if line.high is not None:
            axes.fill_between(line.times, line.values, line.high, color=line.colour, alpha=0.09,
                              linewidth=0)  # fmt: skip
    _lines(axes, model)


def _step(axes: Axes, model: ChartModel) -> None:
    for line in model.lines:
        axes.step(line.times, line.values, where="post", color=line.colour, label=line.name,
                  linewidth=1.6)  # fmt: skip


def _bars(axes: Axes, model: ChartModel) -> None:
    """Stacked bars, one per bucket, the first line at the bottom (one collection per line:
    hundreds of separate bar patches take several times longer to draw)."""
    from matplotlib.collections import PolyCollection

    width = (model.bucket_seconds or 1.0) * 0.9
    bottoms = [0.0] * len(model.lines[0].times) if model.lines else []
    for line in model.lines:
        heights = [0.0 if math.isnan(v) else v for v in line.values]
        boxes = [
            ((x, b), (x, b + h), (x + width, b + h), (x + width, b))
            for x, b, h in zip(line.times, bottoms, heights, strict=True)
            if h > 0
        ]
        axes.add_collection(
            PolyCollection(boxes, facecolors=line.colour, linewidths=0, label=line.name)
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]


def _states(axes: Axes, model: ChartModel) -> None:
    """One lane per backend, its spans coloured by state, the first backend on top."""
    lanes = {lane: len(model.lanes) - 1 - i for i, lane in enumerate(model.lanes)}
    from matplotlib.collections import PolyCollection

    boxes: dict[str, list[tuple[tuple[float, float], ...]]] = {}
    for span in model.spans:
        low, high = lanes[span.lane] - 0.38, lanes[span.lane] + 0.38
        boxes.setdefault(span.state, []).append(
            ((span.start, low), (span.start, high), (span.end, high), (span.end, low))
        )
    for state, shapes in boxes.items():  # one collection per state: quick to draw
        axes.add_collection(PolyCollection(shapes, facecolors=STATE_COLOURS[state], linewidths=0))
    axes.set_yticks(list(lanes.values()), list(lanes))
    axes.set_ylim(-0.6, len(lanes) - 0.4)
    axes.grid(axis="x", color="#FFFFFF", linewidth=1.0)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)


def _totals(axes: Axes, model: ChartModel) -> None:
    names = [line.name for line in model.lines]
    positions = list(range(len(names)))[::-1]
    axes.barh(positions, [line.values[0] for line in model.lines],
              color=[line.colour for line in model.lines])  # fmt: skip
    axes.set_yticks(positions, names)


PAINTERS = {
    "line": _lines,
    "percent": _percent,
    "band": _band,
    "step": _step,
    "bars": _bars,
    "state": _states,
    "totals": _totals,
}


def _legend(axes: Axes, model: ChartModel, size: float) -> None:
    """The legend outside the plot, on the right: the lines in their ranked order (a stack's
    top first), or the states the lanes show."""
    from matplotlib.artist import Artist
    from matplotlib.patches import Patch

    handles: list[Artist]
    if model.kind == "totals":
        return
    if model.kind == "state":
        seen = {span.state for span in model.spans}
        handles = [Patch(color=STATE_COLOURS[s], label=s) for s in STATE_COLOURS if s in seen]
        labels = [s for s in STATE_COLOURS if s in seen]
    else:
        handles, labels = axes.get_legend_handles_labels()
    if model.kind == "bars":
        handles, labels = handles[::-1], labels[::-1]
    axes.figure.legend(handles, labels, loc="outside right upper", fontsize=size, frameon=False)
