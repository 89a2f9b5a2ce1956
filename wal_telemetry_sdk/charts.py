"""Charts from either side: the server's PNG or one drawn here from metrics trees, as a `Chart`.

matplotlib (extra `[viz]`) is imported when a chart is drawn, never at import. Charts are drawn
on a private Agg canvas, so a caller's pyplot state and backend are left untouched.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wal_telemetry_sdk._arguments import VisualizationQuery
from wal_telemetry_sdk._browser import open_in_browser
from wal_telemetry_sdk._files import save_atomically
from wal_telemetry_sdk.chart_design import (
    EMPTY_MESSAGE,
    ChartModel,
    bucket_seconds,
    bucketed,
    described,
    design,
    design_totals,
)
from wal_telemetry_sdk.chart_drawing import DPI, draw_png
from wal_telemetry_sdk.errors import APIStatusError, InternalServerError, NotFoundError
from wal_telemetry_sdk.models import Chart, MetricsResult
from wal_telemetry_sdk.timeseries import iter_leaves
from wal_telemetry_sdk.units import shown

__all__ = ["DPI", "EMPTY_MESSAGE", "is_png", "png_size", "render_chart"]

logger = logging.getLogger("wal_telemetry_sdk")
SOURCES = ("auto", "server", "client")
# The upstream server answers 500 for four metric types it cannot chart.
SERVER_CANNOT_RENDER = (InternalServerError, NotFoundError)

MIN_WINDOW = 60.0
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_chart(
    tree: Mapping[str, Any],
    *,
    metric_type: str,
    width: float = 12,
    height: float = 8,
    title: str | None = None,
    time_range: tuple[float, float] | None = None,
    selection: str = "",
) -> bytes:
    """A PNG of `width`x`height` inches at 100 dpi, in the design the server's charts share.

    Series leaves (`[timestamp, value]` lists) are bucketed over `time_range` (their extent when
    None) as the server buckets them; number leaves (aggregated trees) become ranked bars.
    `tree` is in the SDK's units (a `MetricsResult.metrics`); rates are drawn as percentages.
    """
    model = chart_model(
        tree, str(getattr(metric_type, "value", metric_type)), time_range, selection
    )
    if title is not None:
        model = dataclasses.replace(model, title=title)
    return draw_png(model, width, height)


def chart_model(
    tree: Mapping[str, Any],
    metric_type: str,
    time_range: tuple[float, float] | None = None,
    selection: str = "",
) -> ChartModel:
    """The chart design of a metrics tree: its series bucketed, rates as percentages."""
    series: dict[str, list[tuple[float, float | None]]] = {}
    numbers: dict[str, float] = {}
    for labels, leaf in iter_leaves(tree):
        name = " / ".join(labels)
        if isinstance(leaf, list) and leaf:
            series[name] = [
                (p[0], None if p[1] is None else shown(metric_type, p[1])) for p in leaf
            ]
        elif isinstance(leaf, int | float) and not isinstance(leaf, bool):
            numbers[name] = shown(metric_type, leaf)
    if numbers and not series:
        return design_totals(metric_type, numbers, selection=selection)
    window = time_range or _extent(series)
    if window is None:
        return design(metric_type, {}, selection=selection)
    step = bucket_seconds(*window)
    values, p95 = bucketed(metric_type, series, math.floor(window[0] / step) * step, step)
    return design(metric_type, values, window=window, bucket=step, p95=p95, selection=selection)


def _extent(series: Mapping[str, list[tuple[float, float | None]]]) -> tuple[float, float] | None:
    """The time the points span, at least a minute around a single instant."""
    times = [t for points in series.values() for t, _ in points]
    if not times:
        return None
    start, end = min(times), max(times)
    if end - start < MIN_WINDOW:
        middle = (start + end) / 2
        return middle - MIN_WINDOW / 2, middle + MIN_WINDOW / 2
    return start, math.nextafter(end, math.inf)


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


def render_locally(metrics: MetricsResult, query: VisualizationQuery) -> bytes:
    """The chart the server would have drawn for `query`, drawn here with matplotlib (extra
    `[viz]`) from the metrics the server sent."""
    start, end = query.get("start_time"), query.get("end_time")
    return render_chart(
        metrics.metrics,
        metric_type=query["metric_type"],
        width=query.get("width", 12),
        height=query.get("height", 8),
        time_range=None if start is None or end is None or not end > start else (start, end),
        selection=described(query.get("operation_type"), query.get("backend"), query.get("status")),
    )


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
