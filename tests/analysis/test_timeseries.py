"""TimeSeries: construction from both tree shapes and from buckets, and the analyses."""

import json
import math
import random
import statistics
import tracemalloc
from array import array
from collections import defaultdict
from pathlib import Path

import pytest

from wal_telemetry_sdk.timeseries import RESAMPLE_METHODS, TimeSeries

FIXTURES = Path(__file__).parents[1] / "fixtures" / "responses"
T0 = 1_795_861_000.0


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def linear(n: int, *, slope: float, intercept: float, step: float = 60.0) -> list[list[float]]:
    return [[T0 + i * step, intercept + slope * i * step] for i in range(n)]


def test_latency_tree_gives_one_columnar_series_per_operation_and_backend():
    tree = {
        "cat": {"ipfs": [[T0, 0.012], [T0 + 1, 0.02]]},
        "get": {"s3": [[T0 + 2, 1.5]], "ipfs": []},
    }
    ts = TimeSeries.from_metrics_tree(tree, metric_type="operation_latency")

    assert ts.labels == [("cat", "ipfs"), ("get", "s3"), ("get", "ipfs")]
    assert len(ts) == 3 and list(ts) == ts.labels
    cat = ts["cat", "ipfs"]
    assert isinstance(cat.timestamps, array) and cat.timestamps.typecode == "d"
    assert isinstance(cat.values, array) and cat.values.typecode == "d"
    assert list(cat.timestamps) == [T0, T0 + 1] and list(cat.values) == [0.012, 0.02]
    assert len(ts["get", "ipfs"]) == 0
    assert ts.point_count == 3
    assert ts.metric_type == "operation_latency"


def test_count_and_success_rate_tree_from_the_upstream_dialect():
    body = fixture("getMetrics.upstream.json")
    ts = TimeSeries.from_metrics_tree(body["metrics"], metric_type=body["metric_type"])

    expected = {
        (group, name): series
        for group, leaves in body["metrics"].items()
        for name, series in leaves.items()
    }
    assert set(ts) == set(expected)
    assert ("success_rate", "overall") in ts and ("count", "total") in ts
    for labels, series in expected.items():
        assert list(ts[labels]) == [(t, v) for t, v in series]


def test_aggregated_tree_becomes_one_point_per_label_at_the_given_timestamp():
    tree = {"cat": {"ipfs": 0.02375}, "get": {"s3": 1.088, "ipfs": 0}}
    ts = TimeSeries.from_metrics_tree(tree, timestamp=T0)

    assert {labels: (list(s.timestamps), list(s.values)) for labels, s in ts.items()} == {
        ("cat", "ipfs"): ([T0], [0.02375]),
        ("get", "s3"): ([T0], [1.088]),
        ("get", "ipfs"): ([T0], [0.0]),
    }


def test_buckets_give_one_point_per_bucket_at_its_timestamp_or_end():
    body = fixture("getTimeSeries.reference.json")
    buckets = [*body["buckets"], {"start_time": T0, "end_time": T0 + 60, "metrics": {"x": 1}}]
    ts = TimeSeries.from_buckets(buckets, metric_type="operation_latency")

    series = ts["append", "json"]
    assert list(series.timestamps) == [b["timestamp"] for b in body["buckets"]]
    assert list(series.values) == [b["metrics"]["append"]["json"] for b in body["buckets"]]
    assert list(ts["x"]) == [(T0 + 60, 1.0)]


def test_points_are_sorted_by_time_and_points_with_none_are_dropped():
    ts = TimeSeries.from_metrics_tree({"a": [[3.0, 30], [1.0, 10], [2.0, None], [2.5, 25]]})
    assert list(ts["a"]) == [(1.0, 10.0), (2.5, 25.0), (3.0, 30.0)]


def point_by_point(leaves: list[tuple[tuple[str, ...], list]]) -> dict[tuple[str, ...], list]:
    """The columns built one point at a time: None parts dropped, a stable sort by time."""
    columns: dict[tuple[str, ...], list] = defaultdict(list)
    for labels, points in leaves:
        columns[labels] += [(float(t), float(v)) for t, v in points if None not in (t, v)]
    return {labels: sorted(pairs, key=lambda p: p[0]) for labels, pairs in columns.items()}


def random_leaf(rng: random.Random, n: int, *, shuffled: bool) -> list:
    points = [[T0 + i + rng.choice((0, 0, 0.5)), round(rng.uniform(0, 3), 3)] for i in range(n)]
    for point in rng.sample(points, n // 10):
        point[rng.randrange(2)] = None
    if shuffled:
        rng.shuffle(points)
    return points


@pytest.mark.parametrize("shuffled", [False, True])
def test_columns_equal_a_point_by_point_build_for_trees_and_buckets_in_any_order(shuffled):
    rng = random.Random(11)
    tree = {op: {be: random_leaf(rng, 300, shuffled=shuffled) for be in "xy"} for op in "abc"}
    ts = TimeSeries.from_metrics_tree(tree)
    leaves = [((op, be), points) for op, node in tree.items() for be, points in node.items()]
    assert {labels: list(s) for labels, s in ts.items()} == point_by_point(leaves)

    # Buckets extend a label's columns; in shuffled order the joins break the time order.
    buckets = [
        {"start_time": T0, "end_time": T0 + 60, "timestamp": T0 + k * 60, "metrics": {"a": k}}
        | ({"metrics": {"a": k, "s": random_leaf(rng, 20, shuffled=shuffled)}} if k % 2 else {})
        for k in range(40)
    ]
    if shuffled:
        rng.shuffle(buckets)
    ts = TimeSeries.from_buckets(buckets)
    at = [(("a",), [[b["timestamp"], b["metrics"]["a"]]]) for b in buckets]
    series = [(("s",), b["metrics"]["s"]) for b in buckets if "s" in b["metrics"]]
    assert {labels: list(s) for labels, s in ts.items()} == point_by_point(at + series)


@pytest.mark.parametrize("bad", [[[1.0]], [[1.0, 2.0, 3.0]], [5], [[1.0, "x"]]])
def test_a_malformed_point_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="series a"):
        TimeSeries.from_metrics_tree({"a": bad})


def test_lookup_by_tuple_single_key_or_joined_name_and_plain_data():
    ts = TimeSeries.from_metrics_tree({"overall": [[T0, 1.0]], "op": {"be": [[T0, 2.0]]}})
    assert ts["overall"] is ts[("overall",)]
    assert ts["op:be"] is ts["op", "be"]
    with pytest.raises(KeyError):
        ts["missing"]
    assert ts == TimeSeries.from_metrics_tree({"overall": [[T0, 1.0]], "op": {"be": [[T0, 2.0]]}})
    assert ts != TimeSeries.from_metrics_tree({"overall": [[T0, 1.5]], "op": {"be": [[T0, 2.0]]}})
    assert ts.to_dict() == {
        "metric_type": None,
        "series": [
            {"labels": ["overall"], "timestamps": [T0], "values": [1.0]},
            {"labels": ["op", "be"], "timestamps": [T0], "values": [2.0]},
        ],
    }


@pytest.mark.parametrize("how", RESAMPLE_METHODS)
def test_resample_matches_an_independent_grouping(how):
    rng = random.Random(7)
    points = sorted([T0 + rng.uniform(0, 3600), round(rng.uniform(0, 10), 3)] for _ in range(500))
    ts = TimeSeries.from_metrics_tree({"a": points}).resample(300, how=how)

    groups = defaultdict(list)
    for t, v in points:
        groups[(t // 300) * 300].append(v)
    reduce = {
        "average": statistics.mean,
        "sum": sum,
        "minimum": min,
        "maximum": max,
        "count": len,
        "last": lambda vs: vs[-1],
    }[how]
    assert list(ts["a"].timestamps) == sorted(groups)
    assert list(ts["a"].values) == pytest.approx([reduce(groups[k]) for k in sorted(groups)])


def test_resample_rejects_unknown_methods_and_steps():
    ts = TimeSeries.from_metrics_tree({"a": [[T0, 1.0]]})
    with pytest.raises(ValueError, match="average"):
        ts.resample(60, how="median")
    with pytest.raises(ValueError, match="positive"):
        ts.resample(0)


def test_rate_of_change_of_a_linear_series_is_its_slope():
    points = linear(50, slope=0.25, intercept=3.0, step=7.0)
    points.insert(10, list(points[10]))  # a repeated timestamp is skipped, not divided by zero
    rates = TimeSeries.from_metrics_tree({"a": points}).rate_of_change()["a"]

    assert len(rates) == 49
    assert list(rates.values) == pytest.approx([0.25] * 49)
    assert list(rates.timestamps) == [T0 + i * 7.0 for i in range(1, 50)]


def test_trend_of_a_linear_series_has_the_built_slope_and_change():
    slope_per_second = 0.5 / 3600
    points = linear(24, slope=slope_per_second, intercept=10.0, step=3600)
    trend = TimeSeries.from_metrics_tree({"a": points}).trend()["a",]

    assert trend.slope_per_hour == pytest.approx(0.5, rel=1e-9)
    assert trend.first == 10.0 and trend.last == pytest.approx(10.0 + 0.5 * 23)
    assert trend.percent_change == pytest.approx(0.5 * 23 / 10.0 * 100)
    assert trend.n == 24


def test_trend_is_least_squares_on_noisy_data():
    rng = random.Random(3)
    points = [[T0 + i * 10, 2.0 * i * 10 + rng.gauss(0, 5)] for i in range(200)]
    trend = TimeSeries.from_metrics_tree({"a": points}).trend()["a",]

    xs, ys = [p[0] - T0 for p in points], [p[1] for p in points]
    expected = statistics.linear_regression(xs, ys).slope * 3600
    assert trend.slope_per_hour == pytest.approx(expected, rel=1e-9)


def test_trend_without_enough_points():
    trends = TimeSeries.from_metrics_tree({"one": [[T0, 4.0]], "none": []}).trend()
    assert trends["one",].slope_per_hour is None and trends["one",].n == 1
    assert trends["none",].first is None and trends["none",].n == 0


def test_anomalies_flag_an_injected_spike_and_nothing_else():
    rng = random.Random(11)
    points = [[T0 + i, 100 + rng.gauss(0, 1)] for i in range(200)]
    points[120][1] += 25
    flags = TimeSeries.from_metrics_tree({"a": points}).anomalies(window=30, threshold=4.0)["a",]

    assert len(flags) == 200
    assert [i for i, flagged in enumerate(flags) if flagged] == [120]


def test_anomalies_on_a_flat_series_and_before_a_full_window():
    points = [[T0 + i, 5.0] for i in range(30)]
    points[3][1] = 50.0  # inside the first window: no history yet
    points[25][1] = 5.5
    flags = TimeSeries.from_metrics_tree({"a": points}).anomalies(window=10)["a",]
    assert [i for i, flagged in enumerate(flags) if flagged] == [25]
    with pytest.raises(ValueError):
        TimeSeries.from_metrics_tree({"a": points}).anomalies(window=1)


def test_to_pandas_is_wide_with_a_utc_index():
    pd = pytest.importorskip("pandas")
    tree = {"append": {"json": [[T0, 1.0], [T0 + 60, 2.0], [T0 + 60, 3.0]], "s3": [[T0, 9.0]]}}
    frame = TimeSeries.from_metrics_tree(tree).to_pandas()

    assert isinstance(frame.index, pd.DatetimeIndex) and str(frame.index.tz) == "UTC"
    assert frame.index.name == "timestamp"
    assert list(frame.columns) == ["append:json", "append:s3"]
    assert frame.index[0] == pd.Timestamp(T0, unit="s", tz="UTC")
    assert frame["append:json"].tolist() == [1.0, 3.0]
    assert frame["append:s3"].iloc[0] == 9.0 and math.isnan(frame["append:s3"].iloc[1])
    assert TimeSeries().to_pandas().empty


def test_a_100k_point_series_is_stored_in_columns_not_objects():
    points = [[round(T0 + i * 0.5, 3), round(random.random() * 100, 3)] for i in range(100_000)]
    tracemalloc.start()
    try:
        ts = TimeSeries.from_metrics_tree({"append": {"json": points}})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(ts["append", "json"]) == 100_000
    assert peak < 40 * 2**20


def test_metrics_over_time_gives_its_buckets_as_one_cached_time_series():
    from wal_telemetry_sdk import TelemetryMetricType
    from wal_telemetry_sdk.models import MetricsBucket, MetricsOverTime

    buckets = [
        MetricsBucket(T0 + k * 3600, T0 + (k + 1) * 3600, T0 + k * 3600 + 1800, {"a": float(k)}, [])
        for k in range(3)
    ]
    kind = TelemetryMetricType.THROUGHPUT
    over_time = MetricsOverTime(kind, T0, T0 + 3 * 3600, "hour").filled(buckets, source="x")
    series = over_time.series
    assert series is over_time.series  # computed once
    assert list(series["a",].values) == [0.0, 1.0, 2.0]
