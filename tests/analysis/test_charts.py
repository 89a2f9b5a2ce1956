"""Client-side charts: valid PNGs of the exact requested size, units, empty state, PNG helpers."""

import struct
import sys
import zlib

import pytest

from wal_telemetry_sdk.charts import _chart_data, is_png, png_size, render_chart

pytest.importorskip("matplotlib")

T0 = 1_795_861_052.31
LATENCY = {"cat": {"ipfs": [[T0, 0.012], [T0 + 10, 0.02]]}, "get": {"s3": [[T0 + 3, 1.5]]}}
AGGREGATED = {"cat": {"ipfs": 0.02375}, "get": {"s3": 1.088, "ipfs": 0}}


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))


@pytest.mark.parametrize(
    ("tree", "width", "height"),
    [(LATENCY, 12, 8), (LATENCY, 6, 4), (AGGREGATED, 7, 3), ({}, 5, 5)],
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


def test_values_are_drawn_as_the_sdk_hands_them_and_rates_as_percentages():
    # A MetricsResult's tree is already in milliseconds: it is drawn as it is, never rescaled.
    series, numbers = _chart_data(LATENCY, "operation_latency")
    assert series["cat:ipfs"] == ([T0, T0 + 10], [0.012, 0.02])
    assert numbers == {}
    series, numbers = _chart_data(AGGREGATED, "backend_health")
    assert series == {} and numbers == {"cat:ipfs": 0.02375, "get:s3": 1.088, "get:ipfs": 0}
    series, numbers = _chart_data({"cat": {"ipfs": [[T0, 0.995]]}}, "success_rate")
    assert series["cat:ipfs"][1] == [pytest.approx(99.5)]


@pytest.mark.parametrize(
    ("metric_type", "label"),
    [
        ("operation_latency", "latency (ms)"),
        ("throughput", "throughput (ops/s)"),
        ("success_rate", "success rate (%)"),
        ("operation_count", "operations per interval"),
    ],
)
def test_the_y_axis_names_the_unit(monkeypatch, metric_type, label):
    from matplotlib.axes import Axes

    labels: list[str] = []
    original = Axes.set_ylabel
    monkeypatch.setattr(
        Axes, "set_ylabel", lambda self, text, **kw: labels.append(text) or original(self, text)
    )
    render_chart(LATENCY, metric_type=metric_type, width=3, height=2)
    assert labels == [label]


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
