"""PNG line charts drawn with matplotlib's Agg canvas; runs inside the chart worker processes."""

from __future__ import annotations

import contextlib
import io
import os
import threading
import time
import warnings
from dataclasses import dataclass, field

DPI = 100
MAX_LEGEND_ENTRIES = 16
WORKER_NICENESS = 10
PARENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """What to draw: named lines of `(timestamps, values)`, titles and an optional y range."""

    title: str
    ylabel: str
    lines: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    ylim: tuple[float, float] | None = None
    subtitle: str = ""


def _time_label(seconds: float, _pos: object = None) -> str:
    try:
        return time.strftime("%m-%d %H:%M", time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):
        return f"{seconds:.0f}"


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


def render_png(spec: ChartSpec, width: int, height: int) -> bytes:
    """The chart as PNG bytes of exactly `width`x`height` inches at 100 dpi."""
    warm_up()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(spec.title + (f"\n{spec.subtitle}" if spec.subtitle else ""), fontsize="medium")
    drawn = [(name, xs, ys) for name, (xs, ys) in spec.lines.items() if xs]
    if not drawn:
        ax.text(0.5, 0.5, "No data for this selection", ha="center", va="center", fontsize=12)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        for name, xs, ys in drawn:
            ax.plot(xs, ys, label=name, linewidth=1.2, marker="." if len(xs) < 3 else None)
        ax.xaxis.set_major_formatter(FuncFormatter(_time_label))
        ax.set_xlabel("Time (UTC)")
        ax.set_ylabel(spec.ylabel)
        if spec.ylim is not None:
            ax.set_ylim(*spec.ylim)
        ax.grid(True, linestyle="--", alpha=0.5)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(
            handles[:MAX_LEGEND_ENTRIES], labels[:MAX_LEGEND_ENTRIES], fontsize="x-small", ncols=2
        )
        for label in ax.get_xticklabels():
            label.set_rotation(20)
            label.set_horizontalalignment("right")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValueError, RuntimeError):
            fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()
