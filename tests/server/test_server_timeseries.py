"""Time buckets: each bucket equals the metrics of its range; bucket and point limits hold."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from . import known
from .test_server_metrics import ALL_TYPES, assert_close, metrics


def series(client: httpx.Client, **params: Any) -> httpx.Response:
    return client.get("/timeseries", params=params)


@pytest.mark.parametrize("aggregation", ["sum", "average", "percentile_95", "count", "rate"])
@pytest.mark.parametrize("metric_type", ALL_TYPES)
def test_each_bucket_equals_metrics_of_its_range(
    known_client: httpx.Client, metric_type: str, aggregation: str
) -> None:
    start, end, step = known.T0 - 30, known.T0 + 600, 90.0
    response = series(
        known_client,
        metric_type=metric_type,
        start_time=start,
        end_time=end,
        step=step,
        aggregation=aggregation,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["metric_type"], body["aggregation"], body["step"]) == (
        metric_type,
        aggregation,
        90,
    )
    buckets = body["buckets"]
    assert len(buckets) == 7  # 630 s in 90 s steps
    assert buckets[0]["start_time"] == start and buckets[-1]["end_time"] == end
    for bucket in buckets:
        assert bucket["timestamp"] == bucket["end_time"]
        expected = metrics(
            known_client,
            metric_type=metric_type,
            start_time=bucket["start_time"],
            end_time=bucket["end_time"],
            aggregation=aggregation,
        )
        assert_close(bucket["metrics"], expected)


def test_hourly_counts_add_up(known_client: httpx.Client) -> None:
    body = series(
        known_client,
        metric_type="operation_count",
        start_time=known.T0 - 3600,
        end_time=known.T0 + 3600 * 23,
        step=3600,
        aggregation="sum",
    ).json()
    assert len(body["buckets"]) == 24
    totals = [sum(known.leaves(b["metrics"]).values()) for b in body["buckets"]]
    assert totals == [0] + [240] + [0] * 22


def test_default_aggregation_is_average(known_client: httpx.Client) -> None:
    body = series(
        known_client,
        metric_type="operation_latency",
        start_time=known.T0,
        end_time=known.T0 + 600,
        step=600,
    ).json()
    assert body["aggregation"] == "average"
    adds = [s.latency for s in known.select(operation_type="add")]
    assert body["buckets"][0]["metrics"]["add"]["ipfs"] == pytest.approx(sum(adds) / len(adds))


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"start_time": 0, "end_time": 1e9, "step": 1}, 400, "10000 buckets"),
        ({"start_time": 10, "end_time": 10, "step": 1}, 400, "after start_time"),
        ({"start_time": 10, "end_time": 20, "step": 0.5}, 422, "greater than or equal to 1"),
        ({"start_time": 10, "step": 1}, 422, "Field required"),
        (
            {"start_time": 0, "end_time": 10, "step": 1, "aggregation": "mode"},
            400,
            "Invalid aggregation",
        ),
    ],
)
def test_refused_requests(
    known_client: httpx.Client, params: dict[str, Any], status: int, fragment: str
) -> None:
    response = series(known_client, metric_type="throughput", **params)
    assert response.status_code == status
    assert fragment in str(response.json()["detail"])
