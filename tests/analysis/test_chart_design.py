"""The one chart design: distinct colours, top series plus others, clock-aligned ISO ticks,
health as state spans, units and windows in the subtitle, the empty state."""

import math
import re

import pytest

from wal_telemetry_sdk.chart_design import (
    EMPTY_MESSAGE,
    MAX_BUCKETS,
    OTHERS_COLOUR,
    PALETTE,
    STATE_COLOURS,
    TOP_SERIES,
    bucket_seconds,
    bucketed,
    design,
    design_totals,
    time_ticks,
)

DAY_START = 1_796_083_200.0  # 2026-12-01 00:00 UTC
START = DAY_START - 4 * 3600  # 2026-11-30 20:00 UTC
END = START + 86400
STEP = 300.0
TIMES = [START + i * STEP for i in range(288)]


def fourteen(metric_type_offset: float = 0.0) -> dict[str, list[tuple[float, float | None]]]:
    """14 series whose means are 1..14 (+ offset), named as the demo's op / backend pairs."""
    return {f"op{i:02d} / b": [(t, i + 1 + metric_type_offset) for t in TIMES] for i in range(14)}


def test_the_palette_has_a_dozen_distinct_colours_and_no_grey_of_others():
    assert len(PALETTE) >= 12 and len(set(PALETTE)) == len(PALETTE)
    assert OTHERS_COLOUR not in PALETTE
    assert set(STATE_COLOURS) == {"online", "degraded", "offline", "unknown"}
    assert len(set(STATE_COLOURS.values())) == 4


@pytest.mark.parametrize(
    "metric_type",
    ["operation_count", "operation_latency", "throughput", "error_rate", "retry_count"],
)
def test_fourteen_series_become_the_top_ones_and_others_each_with_its_own_colour(metric_type):
    model = design(metric_type, fourteen(), window=(START, END), bucket=STEP)
    colours = [line.colour for line in model.lines]
    assert len(colours) == len(set(colours)) == TOP_SERIES + 1
    assert [line.name for line in model.lines[:3]] == ["op13 / b", "op12 / b", "op11 / b"]
    others = model.lines[-1]
    assert others.colour == OTHERS_COLOUR and others.name.startswith("others (6 series")
    assert f"top {TOP_SERIES} of 14 series" in model.subtitle


def test_others_sum_counts_and_average_rates():
    counts = design("operation_count", fourteen(), window=(START, END), bucket=STEP)
    assert counts.lines[-1].values[0] == pytest.approx(1 + 2 + 3 + 4 + 5 + 6)
    rates = design("error_rate", fourteen(), window=(START, END), bucket=STEP)
    assert rates.lines[-1].values[0] == pytest.approx(3.5)


def test_nine_series_are_all_drawn_rather_than_one_hidden_in_others():
    nine = dict(list(fourteen().items())[: TOP_SERIES + 1])
    model = design("throughput", nine, window=(START, END), bucket=STEP)
    assert len(model.lines) == TOP_SERIES + 1
    assert all(not line.name.startswith("others") for line in model.lines)


def test_success_rate_shows_the_worst_series_first():
    model = design("success_rate", fourteen(80.0), window=(START, END), bucket=STEP)
    assert model.lines[0].name == "op00 / b"
    assert model.y_range == (0.0, 100.0)
    assert "lowest mean" in model.subtitle


def test_latency_ranks_by_p95_and_keeps_the_band():
    medians = {"slow median / b": [(START, 50.0)], "slow tail / b": [(START, 10.0)]}
    tops = {"slow median / b": [(START, 60.0)], "slow tail / b": [(START, 400.0)]}
    model = design("operation_latency", medians, window=(START, END), bucket=STEP, p95=tops)
    assert [line.name for line in model.lines] == ["slow tail / b", "slow median / b"]
    assert model.lines[0].high == (400.0,) and model.lines[0].values == (10.0,)
    assert model.kind == "band" and model.y_label == "Latency (ms)"
    assert model.y_range is not None and model.y_range[1] >= 400.0


def test_stacked_bars_align_every_series_on_shared_buckets():
    model = design(
        "operation_count",
        {"a": [(START, 1.0), (START + STEP, 2.0)], "b": [(START + STEP, 5.0)]},
        window=(START, END),
        bucket=STEP,
    )
    b = next(line for line in model.lines if line.name == "b")
    assert b.times == (START, START + STEP)
    assert math.isnan(b.values[0]) and b.values[1] == 5.0


def test_lines_go_on_across_short_silences_and_break_at_long_ones():
    sparse = [(START, 1.0), (START + 2 * STEP, 2.0), (START + 10 * STEP, 3.0)]
    steady = [(START + i * STEP, 1.0) for i in range(11)]
    model = design(
        "operation_latency",
        {"sparse": sparse, "steady": steady},
        p95={"sparse": [(t, v * 2) for t, v in sparse]},
        window=(START, END),
        bucket=STEP,
    )
    line = next(line for line in model.lines if line.name == "sparse")
    assert line.times == (START, START + 2 * STEP, START + 3 * STEP, START + 10 * STEP)
    assert line.values[:2] == (1.0, 2.0) and math.isnan(line.values[2]) and line.values[3] == 3.0
    assert line.high is not None and line.high[1] == 4.0 and math.isnan(line.high[2])


def test_title_and_subtitle_say_window_buckets_aggregation_and_unit():
    model = design("operation_latency", fourteen(), window=(START, END), bucket=STEP)
    assert model.title == "Operation latency: median with p95 band"
    assert model.subtitle.startswith("2026-11-30 20:00 to 2026-12-01 20:00 UTC · 5-minute buckets")
    assert "median and p95 per bucket (ms)" in model.subtitle
    counts = design("operation_count", fourteen(), window=(START, END), bucket=3600.0)
    assert counts.y_label == "Operations per hour" and "1-hour buckets" in counts.subtitle
    selected = design("queue_size", {}, window=(START, END), bucket=STEP, selection="backend=s3")
    assert selected.subtitle.endswith("backend=s3")


@pytest.mark.parametrize(
    ("span", "step"),
    [(86400, 3 * 3600), (3600, 600), (7 * 86400, 86400), (600, 120), (45, 10)],
)
def test_ticks_fall_on_whole_clock_steps_with_iso_labels(span, step):
    start = START + 1234.5  # a window starting at an odd time
    ticks = time_ticks(start, start + span)
    assert 2 <= len(ticks) <= 8
    assert all(t % step == 0 and start <= t <= start + span for t, _ in ticks)
    for when, label in ticks:
        if when % 86400 == 0:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", label)
        else:
            assert re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", label), label


def test_a_day_start_is_labelled_with_its_iso_date():
    assert (DAY_START, "2026-12-01") in time_ticks(START, END)
    assert time_ticks(END, START) == () and time_ticks(START, math.inf) == ()


def test_buckets_are_clock_steps_of_at_most_max_buckets():
    assert MAX_BUCKETS == 120 and bucket_seconds(START, END) == 900.0
    assert bucket_seconds(START, START + 3600, minimum=5) == 30.0
    assert bucket_seconds(START, START + 3600, minimum=60) == 60.0
    assert bucket_seconds(START, START + 60, minimum=5) == 5.0


def test_health_values_become_state_spans_per_backend():
    health = {
        "s3": [(START, 1.0), (START + STEP, 0.5), (START + 2 * STEP, 0.5), (START + 3 * STEP, 0.0)],
        "ipfs": [(START, 1.0), (START + 10 * STEP, 1.0)],
    }
    model = design("backend_health", health, window=(START, START + 4 * STEP), bucket=STEP)
    assert model.kind == "state" and model.lanes == ("ipfs", "s3")
    s3 = [(s.start, s.end, s.state) for s in model.spans if s.lane == "s3"]
    assert s3 == [
        (START, START + STEP, "online"),
        (START + STEP, START + 3 * STEP, "degraded"),
        (START + 3 * STEP, START + 4 * STEP, "offline"),
    ]
    ipfs = [(s.start, s.end, s.state) for s in model.spans if s.lane == "ipfs"]
    assert ipfs[0] == (START, START + 2 * STEP, "online")  # silent for long: then unknown
    assert ipfs[1] == (START + 2 * STEP, START + 10 * STEP, "unknown")


def test_an_empty_selection_says_so_and_keeps_its_window():
    for series in ({}, {"overall": []}, {"overall": [(START, None)]}):
        model = design("throughput", series, window=(START, END), bucket=STEP)
        assert model.empty_message == EMPTY_MESSAGE and model.lines == ()
        assert model.subtitle.startswith("2026-11-30 20:00 to")
    assert design("throughput", {"overall": [(START, 1.0)]}).empty_message is None
    assert design("backend_health", {}, window=(START, END)).empty_message == EMPTY_MESSAGE


def test_raw_points_are_reduced_per_bucket_as_each_type_asks():
    latency = {"add / ipfs": [(START + i, float(i)) for i in range(101)]}
    medians, tops = bucketed("operation_latency", latency, START, 1000.0)
    assert medians["add / ipfs"] == [(START, 50.0)] and tops["add / ipfs"] == [(START, 95.0)]
    counts = {"add / ipfs": [(START, 2.0), (START + 10, 3.0), (START + STEP, 4.0), (START, None)]}
    sums, none = bucketed("operation_count", counts, START, STEP)
    assert sums["add / ipfs"] == [(START, 5.0), (START + STEP, 4.0)] and none == {}
    worst, _ = bucketed("backend_health", {"s3": [(START, 1.0), (START + 1, 0.0)]}, START, STEP)
    assert worst["s3"] == [(START, 0.0)]


def test_one_number_per_series_becomes_ranked_bars_with_others():
    numbers = {f"k{i:02d}": float(i) for i in range(12)}
    model = design_totals("operation_latency", numbers)
    assert model.kind == "totals" and model.lines[0].name == "k11"
    assert model.lines[-1].name == "others (4 series, mean)"
    assert model.lines[-1].values == (1.5,)
    assert len({line.colour for line in model.lines}) == len(model.lines)
    assert design_totals("throughput", {}).empty_message == EMPTY_MESSAGE
