"""Charts from either side: the server's PNG, or one drawn here from `get_metrics` data."""

import logging
import os
import tempfile
from pathlib import Path

from wal_telemetry_sdk._files import open_in_browser, save_atomically
from wal_telemetry_sdk.errors import APIStatusError, InternalServerError, NotFoundError
from wal_telemetry_sdk.models import Chart, MetricsResult

logger = logging.getLogger("wal_telemetry_sdk")
SOURCES = ("auto", "server", "client")
# The upstream server answers 500 for four metric types it cannot chart.
SERVER_CANNOT_RENDER = (InternalServerError, NotFoundError)


def checked_source(source: object) -> str:
    """`source` if it is one of auto, server, client; else `ValueError` naming them."""
    if source not in SOURCES:
        raise ValueError(f"Invalid source {source!r}. Must be one of: {', '.join(SOURCES)}")
    return str(source)


def log_fallback(metric_type: object, error: APIStatusError) -> None:
    logger.info("The server could not chart %s (%s); drawing it here", metric_type, error)


def render_locally(metrics: MetricsResult, metric_type: object, width: int, height: int) -> bytes:
    """The chart drawn with matplotlib (extra `[viz]`) from the metrics the server sent."""
    from wal_telemetry_sdk.charts import render_chart

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
