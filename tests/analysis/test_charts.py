"""Client-side charts: the shared design from metrics trees, PNGs of the exact requested size,
legends outside the plot, ticks where the design puts them, the empty state, PNG helpers."""

import math
import struct
import sys
import zlib

import pytest

from wal_telemetry_sdk.chart_design import EMPTY_MESSAGE, OTHERS_COLOUR, TOP_SERIES
from wal_telemetry_sdk.charts import chart_model, is_png, png_size, render_chart

pytest.importorskip("matplotlib")

from wal_telemetry_sdk.chart_drawing import drawn

T0 = 1_795_861_052.31
LATENCY = {"cat": {"ipfs": [[T0, 12.0], [T0 + 10, 20.0]]}, "get": {"s3": [[T0 + 3, 1500.0]]}}
AGGREGATED = {"cat": {"ipfs": 23.75}, "get": {"s3": 1088.0, "ipfs": 0}}
DAY = (T0 - 86_400, T0)
OPERATIONS = ("add", "get", "cat", "pin", "unpin", "ls", "stat")
BACKENDS = ("ipfs", "s3")


def fourteen_series(metric_type_scale: float = 1.0) -> dict:
    """A day of 14 op/backend series, one point a minute, series i at i+1 (times the scale)."""
    tree: dict = {}
    for i, (op, backend) in enumerate((o, b) for o in OPERATIONS for b in BACKENDS):
        points = [[DAY[0] + m * 60, (i + 1) * metric_type_scale] for m in range(1440)]
        tree.setdefault(op, {})[backend] = points
    return tree


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))


@pytest.mark.parametrize(
    ("tree", "width", "height"),
    [(LATENCY, 12, 8), (LATENCY, 6, 4), (AGGREGATED, 7, 3), ({}, 5, 5), (LATENCY, 1, 1)],
)
def test_charts_are_pngs_of_the_requested_pixel_size(tree, width, height):
    png = render_chart(tree, metric_type="operation_latency", width=width, height=height)
    assert is_png(png)
    assert png_size(png) == (width * 100, height * 100)


def test_default_size_is_12_by_8_inches():
    assert png_size(render_chart(LATENCY, metric_type="throughput")) == (1200, 800)


def test_empty_selection_draws_the_empty_state():
    empty = render_chart({}, metric_type="throughput", width=4, height=3)
    only_empty_series = render_chart(
        {"overall": [], "other": None}, metric_type="throughput", width=4, height=3
    )
    with_data = render_chart({"overall": [[T0, 3.0]]}, metric_type="throughput", width=4, height=3)
    assert empty == only_empty_series
    assert empty != with_data
    model = chart_model({"overall": []}, "throughput", DAY)
    assert model.empty_message == EMPTY_MESSAGE and "UTC" in model.subtitle
    texts = [t.get_text() for t in drawn(model, 6, 4).axes[0].texts]
    assert texts == [EMPTY_MESSAGE]


def test_values_are_drawn_as_the_sdk_hands_them_and_rates_as_percentages():
    # A MetricsResult's tree is already in milliseconds: it is drawn as it is, never rescaled.
    model = chart_model(LATENCY, "operation_latency")
    by_name = {line.name: line for line in model.lines}
    assert sorted(by_name) == ["cat / ipfs", "get / s3"]
    assert [v for v in by_name["get / s3"].values if not math.isnan(v)] == [1500.0]
    totals = chart_model(AGGREGATED, "backend_health")
    assert totals.kind == "totals"
    assert (totals.lines[0].name, totals.lines[0].values) == ("get / s3", (1088.0,))
    rates = chart_model({"cat": {"ipfs": [[T0, 0.995]]}}, "success_rate")
    assert rates.lines[0].values == (pytest.approx(99.5),) and rates.y_range == (0.0, 100.0)


def test_a_day_of_fourteen_series_is_the_top_ones_plus_others_in_distinct_colours():
    model = chart_model(fourteen_series(), "operation_count", DAY)
    colours = [line.colour for line in model.lines]
    assert len(model.lines) == TOP_SERIES + 1 and len(set(colours)) == len(colours)
    assert model.lines[-1].colour == OTHERS_COLOUR
    assert model.lines[0].name == "stat / s3"  # the largest
    assert model.bucket_seconds == 900 and "15-minute buckets" in model.subtitle
    # 15 one-minute points of 14 per bucket
    assert model.lines[0].values[1] == pytest.approx(14 * 15)


def test_latency_is_the_median_with_a_p95_band_over_buckets():
    points = [[DAY[0] + s, float(s % 100)] for s in range(0, 900)]
    model = chart_model({"add": {"ipfs": points}}, "operation_latency", (DAY[0], DAY[0] + 900))
    (line,) = model.lines
    assert model.kind == "band" and line.high is not None
    assert all(h >= v for h, v in zip(line.high, line.values, strict=True) if not math.isnan(v))
    assert model.y_log


def test_the_legend_sits_outside_the_plot_at_a_readable_size():
    figure = drawn(chart_model(fourteen_series(), "throughput", DAY), 12, 8)
    figure.canvas.draw()
    axes = figure.axes[0]
    (legend,) = figure.legends
    assert len(legend.get_texts()) == TOP_SERIES + 1
    assert all(text.get_fontsize() >= 9 for text in legend.get_texts())
    renderer = figure.canvas.get_renderer()
    plot, box = axes.get_window_extent(renderer), legend.get_window_extent(renderer)
    assert box.x0 >= plot.x1, "the legend covers the plot"
    assert box.x1 <= figure.bbox.x1 + 1, "the legend is cut off"


def test_the_time_axis_carries_the_designs_ticks_and_unit_label():
    model = chart_model(fourteen_series(), "throughput", DAY)
    axes = drawn(model, 12, 8).axes[0]
    assert tuple(axes.get_xticks()) == tuple(t for t, _ in model.x_ticks)
    assert [t.get_text() for t in axes.get_xticklabels()] == [label for _, label in model.x_ticks]
    assert axes.get_ylabel() == "Throughput (ops/s)" and axes.get_xlabel() == "Time (UTC)"


def test_health_is_drawn_as_coloured_state_lanes():
    health = {"ipfs": [[DAY[0], 1.0], [DAY[0] + 3600, 0.0]], "s3": [[DAY[0], 0.5]]}
    model = chart_model(health, "backend_health", (DAY[0], DAY[0] + 7200))
    assert {(s.lane, s.state) for s in model.spans} >= {("ipfs", "online"), ("ipfs", "offline")}
    figure = drawn(model, 12, 8)
    axes = figure.axes[0]
    lanes = {
        t.get_text(): y for t, y in zip(axes.get_yticklabels(), axes.get_yticks(), strict=True)
    }
    assert lanes["ipfs"] > lanes["s3"]  # the first backend on top
    assert [t.get_text() for t in figure.legends[0].get_texts()] == [
        "online", "degraded", "offline", "unknown",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("metric_type", "label"),
    [
        ("operation_latency", "Latency (ms)"),
        ("throughput", "Throughput (ops/s)"),
        ("success_rate", "Operations that succeeded (%)"),
        ("operation_count", "Operations per 15 min"),
    ],
)
def test_the_y_axis_names_the_unit(metric_type, label):
    axes = drawn(chart_model(fourteen_series(0.01), metric_type, DAY), 3, 2).axes[0]
    assert axes.get_ylabel() == label


def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in ["matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install 'wal-telemetry-sdk\[viz\]'"):
        render_chart(LATENCY, metric_type="operation_latency")


def test_png_helpers_read_the_ihdr():
    assert png_size(png_header(321, 123) + b"rest") == (321, 123)
    assert is_png(png_header(1, 1)) and not is_png(b"GIF89a") and not is_png(b"")
    with pytest.raises(ValueError):
        png_size(b"<html>not a png</html>")
    with pytest.raises(ValueError):
        png_size(b"\x89PNG\r\n\x1a\n")


def test_both_dialects_bodies_of_the_same_data_draw_the_same_chart():
    import json
    from pathlib import Path

    from wal_telemetry_sdk._conversion import metrics_from_json

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "responses"
    reference = json.loads((fixtures / "getMetrics.reference.json").read_text())
    upstream_keys = {"success", "operation", "timestamp", "metrics", "metric_type", "aggregation"}
    upstream = {key: value for key, value in reference.items() if key in upstream_keys}

    def drawn_model(body):  # a body of its own, as decoded for each call (it is scaled in place)
        fresh = json.loads(json.dumps(body))
        return chart_model(metrics_from_json(fresh).metrics, "operation_latency")

    from_reference, from_upstream = drawn_model(reference), drawn_model(upstream)
    assert from_reference == from_upstream
    assert {line.name for line in from_reference.lines} == {"append / json", "add / ipfs"}
    drawn_values = [v for line in from_reference.lines for v in line.values if not math.isnan(v)]
    assert max(drawn_values) == pytest.approx(81.0)  # milliseconds, as the SDK hands them
