"""The chart worker processes: set-up, and charts drawn as `chart_drawing` paints them."""

from __future__ import annotations

import contextlib
import os
import threading
import time

from wal_telemetry_sdk.chart_design import ChartModel
from wal_telemetry_sdk.chart_drawing import draw_png

WORKER_NICENESS = 10
PARENT_CHECK_SECONDS = 0.5


def init_worker() -> None:
    """Chart worker set-up: exit with the server, yield the CPU to it, then load matplotlib."""
    threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), name="wal-parent-watch", daemon=True
    ).start()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    warm_up()


def _exit_with_parent(parent: int) -> None:
    """End this worker once the server is gone, even if it was killed (`kill -9` sends no word)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def warm_up() -> None:
    """Import matplotlib ahead of the first chart."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401


def render_png(model: ChartModel, width: int, height: int) -> bytes:
    """The chart as PNG bytes of exactly `width`x`height` inches at 100 dpi."""
    warm_up()
    return draw_png(model, width, height)
