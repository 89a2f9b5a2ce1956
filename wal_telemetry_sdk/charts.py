"""Charts from either side: the server's PNG or one drawn here from metrics trees, as a `Chart`.

matplotlib (extra `[viz]`) is imported when a chart is drawn, never at import. Charts are drawn
on a private Agg canvas, so a caller's pyplot state and backend are left untouched.
"""

from __future__ import annotations

import io
import logging
import math
import os
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wal_telemetry_sdk._browser import open_in_browser
from wal_telemetry_sdk._files import save_atomically
from wal_telemetry_sdk.errors import APIStatusError, InternalServerError, NotFoundError
from wal_telemetry_sdk.models import Chart, MetricsResult
from wal_telemetry_sdk.timeseries import iter_leaves
from wal_telemetry_sdk.units import axis_label, shown

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DPI", "EMPTY_MESSAGE", "is_png", "png_size", "render_chart"]

logger = logging.getLogger("wal_telemetry_sdk")
SOURCES = ("auto", "server", "client")
# The upstream server answers 500 for four metric types it cannot chart.
SERVER_CANNOT_RENDER = (InternalServerError, NotFoundError)

DPI = 100
EMPTY_MESSAGE = "No data for this selection"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_chart(
    tree: Mapping[str, Any],
    *,
    metric_type: str,
    width: float = 12,
    height: float = 8,
    title: str | None = None,
) -> bytes:
    """A PNG of `width`x`height` inches at 100 dpi: one line per series, bars for numbers.

    Series leaves (`[timestamp, value]` lists) are drawn as lines over UTC time; number leaves
    (aggregated trees) as bars. `tree` is in the SDK's units (a `MetricsResult.metrics`); the
    y axis names them, rates drawn as percentages.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "client-side charts need matplotlib: pip install 'wal-telemetry-sdk[viz]'"
        ) from exc
    kind = str(getattr(metric_type, "value", metric_type))
    series, numbers = _chart_data(tree, kind)
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title or kind.replace("_", " ").capitalize())
    if series:
        _draw_lines(axes, series)
        figure.autofmt_xdate()
    elif numbers:
        axes.bar(list(numbers), list(numbers.values()))
        axes.tick_params(axis="x", labelrotation=30)
    else:
        axes.text(0.5, 0.5, EMPTY_MESSAGE, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    if series or numbers:
        axes.set_ylabel(axis_label(kind))
        axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _chart_data(
    tree: Mapping[str, Any], kind: str
) -> tuple[dict[str, tuple[list[float], list[float]]], dict[str, float]]:
    """What to draw, by series name: (times, values) of series leaves, and number leaves, as
    people read them (rates in percent); empty series are left out."""
    series: dict[str, tuple[list[float], list[float]]] = {}
    numbers: dict[str, float] = {}
    for labels, leaf in iter_leaves(tree):
        name = ":".join(labels)
        if isinstance(leaf, list) and leaf:
            values = [math.nan if p[1] is None else shown(kind, p[1]) for p in leaf]
            series[name] = [p[0] for p in leaf], values
        elif isinstance(leaf, int | float):
            numbers[name] = shown(kind, leaf)
    return series, numbers


def _draw_lines(axes: Axes, series: dict[str, tuple[list[float], list[float]]]) -> None:
    import numpy

    for name, (seconds, values) in series.items():
        times = (numpy.array(seconds, dtype=float) * 1e3).astype("datetime64[ms]")
        marker = "o" if len(values) <= 50 else None
        axes.plot(times, values, label=name, linewidth=1, marker=marker, markersize=3)
    axes.set_xlabel("time (UTC)")
    if len(series) <= 12:
        axes.legend(loc="best", fontsize="small")


def is_png(data: bytes) -> bool:
    """Whether `data` starts with the PNG signature."""
    return data[:8] == _PNG_SIGNATURE


def png_size(data: bytes) -> tuple[int, int]:
    """The `(width, height)` in pixels from a PNG's IHDR chunk."""
    if not is_png(data) or data[12:16] != b"IHDR" or len(data) < 24:
        raise ValueError("not a PNG: no signature and IHDR chunk")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def checked_source(source: object) -> str:
    """`source` if it is one of auto, server, client; else `ValueError` naming them."""
    if source not in SOURCES:
        raise ValueError(f"Invalid source {source!r}. Must be one of: {', '.join(SOURCES)}")
    return str(source)


def log_fallback(metric_type: object, error: APIStatusError) -> None:
    logger.info("The server could not chart %s (%s); drawing it here", metric_type, error)


def render_locally(metrics: MetricsResult, metric_type: object, width: int, height: int) -> bytes:
    """The chart drawn with matplotlib (extra `[viz]`) from the metrics the server sent."""
    return render_chart(metrics.metrics, metric_type=str(metric_type), width=width, height=height)


def chart_result(
    png: bytes,
    url: str,
    source: str,
    save_path: str | os.PathLike[str] | None,
    open_browser: bool,
) -> Chart:
    """A chart, saved atomically to `save_path` when given, and shown in a browser when asked."""
    if save_path is None and open_browser:
        save_path = Path(tempfile.mkdtemp(prefix="wal-telemetry-")) / "chart.png"
    saved = save_atomically(save_path, png) if save_path is not None else None
    if open_browser and saved is not None:
        open_in_browser(Path(saved).as_uri())
    return Chart(
        url=url,
        content=png,
        content_type="image/png",
        saved_path=saved,
        opened_in_browser=open_browser,
        source=source,
    )
