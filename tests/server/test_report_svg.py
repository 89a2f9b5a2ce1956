"""The report's inline SVG charts, painted from the chart design: each kind draws its marks where
the model says, hover values match the model, and nothing refers outside the SVG."""

from __future__ import annotations

import html
import json
import math
import re

import pytest

from wal_telemetry_sdk.chart_design import STATE_COLOURS, design
from wal_telemetry_server.report_svg import _relative, svg_of

START = 1_796_083_200.0  # 2026-12-01 00:00 UTC
STEP = 300.0
TIMES = [START + i * STEP for i in range(12)]
WINDOW = (START, START + 12 * STEP)


def absolute(path: str) -> list[tuple[float, float]]:
    """The points of an `M x y l dx dy ...` path, summed back to absolute positions."""
    numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", path)]
    x, y = numbers[0], numbers[1]
    points = [(x, y)]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        x, y = x + dx, y + dy
        points.append((round(x, 1), round(y)))
    return points


def test_relative_paths_do_not_drift() -> None:
    points = [(10 + i * 3.33, 50 + math.sin(i) * 20) for i in range(200)]
    drawn = absolute(_relative(points))
    assert len(drawn) == len(points)
    assert all(
        abs(a - c) <= 0.051 and abs(b - d) <= 0.5
        for (a, b), (c, d) in zip(drawn, points, strict=True)
    )


def test_a_latency_band_draws_a_band_and_a_line_per_series_and_hover_values() -> None:
    series = {"add / ipfs": [(t, 10.0 + i) for i, t in enumerate(TIMES)]}
    p95 = {"add / ipfs": [(t, 30.0 + i) for i, t in enumerate(TIMES)]}
    model = design("operation_latency", series, window=WINDOW, bucket=STEP, p95=p95)
    svg = svg_of(model)
    colour = model.lines[0].colour
    assert f'fill="{colour}" fill-opacity="0.14"' in svg  # the p95 band
    assert f'stroke="{colour}" class="line"' in svg
    hover = json.loads(html.unescape(re.search(r'data-hover="([^"]+)"', svg)[1]))
    assert (hover["t0"], hover["dt"]) == (START, STEP)
    name, shown_colour, values, high = hover["s"][0]
    assert (name, shown_colour) == ("add / ipfs", colour)
    assert values == [10.0 + i for i in range(12)] and high == [30.0 + i for i in range(12)]
    assert 'data-unit="ms"' in svg and "Latency (ms)" in svg
    assert model.y_log  # a log axis: ticks at 1, 2 and 5 times powers of ten
    ticks = re.findall(r'class="tick" text-anchor="end">([^<]+)<', svg)
    assert ticks[:2] == ["10", "20"]


def test_the_line_follows_the_values() -> None:
    series = {"overall": [(t, float(i % 2)) for i, t in enumerate(TIMES)]}
    svg = svg_of(design("throughput", series, window=WINDOW, bucket=STEP))
    path = re.search(r'<path d="([^"]+)" stroke="[^"]+" class="line"', svg)[1]
    ys = [y for _, y in absolute(path)]
    assert ys[0] > ys[1] < ys[2] and ys[0] == ys[2]  # 0, 1, 0: higher values are drawn higher


def test_counts_are_stacked_bars_one_per_bucket() -> None:
    series = {"a / x": [(t, 2.0) for t in TIMES], "b / y": [(t, 1.0) for t in TIMES]}
    svg = svg_of(design("operation_count", series, window=WINDOW, bucket=STEP))
    bars = re.findall(r'<path d="(M[^"]+)" fill="#', svg)
    assert len(bars) == 2 and all(bar.count("z") == len(TIMES) for bar in bars)


def test_health_is_lanes_of_state_colours_with_their_names() -> None:
    series = {
        "ipfs": [(t, 1.0 if i < 6 else 0.0) for i, t in enumerate(TIMES)],
        "s3": [(t, 0.5) for t in TIMES],
    }
    svg = svg_of(design("backend_health", series, window=WINDOW, bucket=STEP))
    for state in ("online", "offline", "degraded"):
        assert f'fill="{STATE_COLOURS[state]}"><title>' in svg
    assert re.search(r'class="lane"[^>]*>ipfs<', svg) and re.search(r'class="lane"[^>]*>s3<', svg)
    assert "<title>ipfs: offline</title>" in svg and "data-hover" not in svg


def test_an_empty_chart_says_so() -> None:
    svg = svg_of(design("queue_size", {}, window=WINDOW, bucket=STEP))
    assert 'data-empty="1"' in svg and "No data for this selection" in svg


@pytest.mark.parametrize("metric_type", ["success_rate", "queue_size", "retry_count"])
def test_nothing_refers_outside_the_svg(metric_type: str) -> None:
    series = {"a / x": [(t, 1.0) for t in TIMES]}
    svg = svg_of(design(metric_type, series, window=WINDOW, bucket=STEP))
    assert not re.search(r"(href|src)=", svg)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
