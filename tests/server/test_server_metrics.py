"""Every metric type and aggregation over a known data set: values mean what their names say."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wal_telemetry_server.model import AGGREGATIONS
from wal_telemetry_server.sketch import RELATIVE_ERROR

from . import known

OPERATION_TYPES = (
    "operation_latency",
    "operation_count",
    "success_rate",
    "error_rate",
    "retry_count",
    "throughput",
)
ALL_TYPES = (*OPERATION_TYPES, "backend_health", "queue_size")


def metrics(client: httpx.Client, **params: Any) -> Any:
    response = client.get("/metrics", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["operation"] == "get_telemetry"
    return body["metrics"]


def assert_close(actual: Any, expected: Any, rel: float = 1e-9) -> None:
    """Same tree shape and labels; numbers equal up to float rounding (or `rel`)."""
    a, e = known.leaves(actual), known.leaves(expected)
    assert set(a) == set(e)
    for labels, value in e.items():
        if isinstance(value, list):
            assert len(a[labels]) == len(value), labels
            flat_a = [x for point in a[labels] for x in point]
            flat_e = [x for point in value for x in point]
            assert flat_a == pytest.approx(flat_e, rel=1e-9, abs=1e-12), labels
        else:
            assert a[labels] == pytest.approx(value, rel=rel, abs=1e-12), labels


def expected_gauges(metric_type: str, backend: str | None = None) -> dict[str, Any]:
    samples = [g for g in known.gauges() if backend is None or g.backend == backend]
    if metric_type == "backend_health":
        tree: dict[str, Any] = {}
        for g in samples:
            if g.name == "health":
                tree.setdefault(g.backend, []).append([g.timestamp, g.value])
        return tree
    sums: dict[str, dict[float, float]] = {"pending": {}, "processing": {}}
    for g in samples:
        if g.name != "health":
            key = g.name.removeprefix("queue_")
            sums[key][g.timestamp] = sums[key].get(g.timestamp, 0.0) + g.value
    return {k: [[t, v] for t, v in sorted(by_ts.items())] for k, by_ts in sums.items()}


@pytest.mark.parametrize("metric_type", OPERATION_TYPES)
def test_operation_series_match_the_samples(known_client: httpx.Client, metric_type: str) -> None:
    tree = metrics(known_client, metric_type=metric_type)
    assert_close(tree, known.expected_series(metric_type, known.operations()))


def test_latency_is_one_point_per_operation_in_seconds(known_client: httpx.Client) -> None:
    tree = metrics(known_client, metric_type="operation_latency")
    assert sum(len(s) for s in known.leaves(tree).values()) == 240
    assert tree["add"]["ipfs"][0] == [known.T0 + 2.5, 0.1]  # i = 1: 0.05 s x (1 + 1)


def test_counts_rates_and_throughput_per_interval(known_client: httpx.Client) -> None:
    count = metrics(known_client, metric_type="operation_count", aggregation="sum")
    assert count == {"add": {"ipfs": 80}, "append": {"json": 80}, "get": {"s3": 80}}
    failures = sum(1 for i in range(240) if i % 7 == 0)
    errors = metrics(known_client, metric_type="error_rate")
    failed_by_rate = sum(
        rate * n
        for labels, series in known.leaves(errors).items()
        for (_, rate), (_, n) in zip(
            series,
            known.leaves(metrics(known_client, metric_type="operation_count"))[labels],
            strict=True,
        )
    )
    assert failed_by_rate == pytest.approx(failures)
    throughput = metrics(known_client, metric_type="throughput")
    assert throughput == {"overall": [[known.T0 + 60 * m, 24 / 60] for m in range(10)]}
    retries = metrics(known_client, metric_type="retry_count", aggregation="sum")
    total = sum(s.retries for s in known.operations())
    assert sum(known.leaves(retries).values()) == pytest.approx(total)


@pytest.mark.parametrize("metric_type", ["backend_health", "queue_size"])
def test_gauges(known_client: httpx.Client, metric_type: str) -> None:
    assert_close(metrics(known_client, metric_type=metric_type), expected_gauges(metric_type))
    only_ipfs = metrics(known_client, metric_type=metric_type, backend="ipfs")
    assert_close(only_ipfs, expected_gauges(metric_type, "ipfs"))


def test_health_values_mark_outages(known_client: httpx.Client) -> None:
    health = metrics(known_client, metric_type="backend_health", backend="ipfs")
    assert [v for _, v in health["ipfs"]][2:6] == [1.0, 0.5, 0.0, 1.0]


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
@pytest.mark.parametrize("metric_type", ALL_TYPES)
def test_aggregations_reduce_each_series(
    known_client: httpx.Client, metric_type: str, aggregation: str
) -> None:
    raw = metrics(known_client, metric_type=metric_type)
    reduced = metrics(known_client, metric_type=metric_type, aggregation=aggregation)
    estimated = metric_type == "operation_latency" and aggregation.startswith("percentile")
    rel = RELATIVE_ERROR * (1 + 1e-9) if estimated else 1e-9
    assert_close(reduced, known.reduce_tree(raw, aggregation), rel)


def test_aggregations_of_latency_have_their_meaning(known_client: httpx.Client) -> None:
    adds = known.select(operation_type="add")
    latencies = sorted(s.latency for s in adds)
    query = {"metric_type": "operation_latency", "operation_type": "add"}
    agg = {a: metrics(known_client, **query, aggregation=a)["add"]["ipfs"] for a in AGGREGATIONS}
    assert agg["count"] == 80
    assert agg["minimum"] == min(latencies) and agg["maximum"] == max(latencies)
    assert agg["average"] == pytest.approx(sum(latencies) / 80)
    assert agg["sum"] == pytest.approx(sum(latencies))
    exact = latencies[75] + (latencies[76] - latencies[75]) * 0.05  # rank 79 x 0.95 = 75.05
    assert agg["percentile_95"] == pytest.approx(exact, rel=RELATIVE_ERROR)
    span = adds[-1].timestamp - adds[0].timestamp
    assert agg["rate"] == pytest.approx(80 / span)  # operations per second, first to last


def test_without_metric_type_every_type_is_at_the_top(known_client: httpx.Client) -> None:
    everything = metrics(known_client, aggregation="average")
    assert set(everything) == set(ALL_TYPES)
    for metric_type in ALL_TYPES:
        single = metrics(known_client, metric_type=metric_type, aggregation="average")
        assert_close(everything[metric_type], single)


def test_status_filter(known_client: httpx.Client) -> None:
    latency = metrics(known_client, metric_type="operation_latency", status="success")
    assert_close(
        latency, known.expected_series("operation_latency", known.select(status="success"))
    )
    rates = metrics(known_client, metric_type="success_rate", status="success")
    assert {v for s in known.leaves(rates).values() for _, v in s} == {1.0}
    failed = metrics(
        known_client, metric_type="operation_count", status="failure", aggregation="sum"
    )
    assert sum(known.leaves(failed).values()) == len(known.select(status="failure"))


def test_the_seed_example_returns_data(known_client: httpx.Client) -> None:
    query = {"operation_type": "append", "backend": "json", "status": "success"}
    tree = metrics(known_client, metric_type="operation_latency", **query)
    expected = known.select(operation_type="append", backend="json", status="success")
    assert len(tree["append"]["json"]) == len(expected) > 0
    assert_close(tree, known.expected_series("operation_latency", expected))


@pytest.mark.parametrize("metric_type", OPERATION_TYPES)
def test_either_time_bound_alone(known_client: httpx.Client, metric_type: str) -> None:
    middle = known.T0 + 300
    after = metrics(known_client, metric_type=metric_type, start_time=middle)
    before = metrics(known_client, metric_type=metric_type, end_time=middle)
    assert_close(after, known.expected_series(metric_type, known.select(start=middle)))
    assert_close(before, known.expected_series(metric_type, known.select(end=middle)))


def test_both_bounds(known_client: httpx.Client) -> None:
    start, end = known.T0 + 60, known.T0 + 180
    tree = metrics(known_client, metric_type="operation_count", start_time=start, end_time=end)
    assert_close(tree, known.expected_series("operation_count", known.select(start=start, end=end)))


@pytest.mark.parametrize(
    "query",
    [{"backend": "nope"}, {"operation_type": "nope"}, {"start_time": known.T0 + 10_000}],
    ids=["backend", "operation", "time"],
)
def test_a_filter_matching_nothing_gives_empty_series(
    known_client: httpx.Client, query: dict[str, Any]
) -> None:
    for metric_type in OPERATION_TYPES:
        tree = metrics(known_client, metric_type=metric_type, **query)
        assert tree == ({"overall": []} if metric_type == "throughput" else {}), metric_type
        summed = metrics(known_client, metric_type=metric_type, aggregation="sum", **query)
        assert summed == ({"overall": 0} if metric_type == "throughput" else {})
    if "operation_type" not in query:  # gauges have no operation type
        assert metrics(known_client, metric_type="queue_size", **query) == {
            "pending": [],
            "processing": [],
        }
        assert metrics(known_client, metric_type="backend_health", **query) == {}


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"metric_type": "latency"}, "Invalid metric type. Must be one of: operation_count"),
        ({"metric_type": "OPERATION_LATENCY"}, "Invalid metric type"),
        ({"aggregation": "median"}, "Invalid aggregation. Must be one of: sum, average"),
    ],
)
def test_unknown_names_are_400_naming_the_choices(
    known_client: httpx.Client, query: dict[str, str], fragment: str
) -> None:
    response = known_client.get("/metrics", params=query)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_malformed_numbers_are_422_in_fastapi_shape(known_client: httpx.Client) -> None:
    response = known_client.get("/metrics", params={"start_time": "yesterday", "end_time": "inf"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(d["type"], d["loc"], d["input"]) for d in detail] == [
        ("float_parsing", ["query", "start_time"], "yesterday"),
        ("finite_number", ["query", "end_time"], "inf"),
    ]
    assert all(isinstance(d["msg"], str) and d["msg"] for d in detail)


def test_realtime_without_recent_operations_is_zero(known_client: httpx.Client) -> None:
    body = known_client.get("/realtime").json()
    assert body["operation_count"]["value"] == 0
    assert body["operation_latency"]["count"] == 0
    assert body["latency"] == {}
    assert body["throughput"] == {"value": 0.0, "by_key": {}}
    assert body["queue_size"]["value"] == 3.0 + 9 * 3  # latest gauges: 3 backends x (1 + 9)
    assert body["backend_health"]["ipfs"] == {"status": "online", "value": 1.0}
