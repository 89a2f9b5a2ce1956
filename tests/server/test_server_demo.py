"""The demo workload: every metric type has data, real time moves, charts have the asked size."""

from __future__ import annotations

import struct
import time
from typing import Any

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer

from . import known
from .test_server_metrics import ALL_TYPES


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_fixture_describes_the_server(wal_telemetry_server: RunningServer) -> None:
    assert wal_telemetry_server.url.startswith("http://127.0.0.1:")
    assert not wal_telemetry_server.url.endswith("/")
    assert wal_telemetry_server.api_key is None
    assert wal_telemetry_server.pid > 0 and wal_telemetry_server.running
    assert wal_telemetry_server.db_path.exists()


@pytest.mark.parametrize("metric_type", ALL_TYPES)
def test_every_metric_type_has_data(demo_client: httpx.Client, metric_type: str) -> None:
    body = demo_client.get("/metrics", params={"metric_type": metric_type}).json()
    series = known.leaves(body["metrics"])
    assert series and all(len(s) > 10 for s in series.values()), metric_type
    values = [v for s in series.values() for _, v in s]
    if metric_type in ("success_rate", "error_rate"):
        assert all(0.0 <= v <= 1.0 for v in values)
    if metric_type == "backend_health":
        assert set(values) <= {0.0, 0.5, 1.0} and set(series) >= {("ipfs",), ("s3",), ("json",)}
    if metric_type == "operation_latency":
        assert all(0.0 < v < 120.0 for v in values)  # seconds


def test_the_seed_example_has_wal_appends(demo_client: httpx.Client) -> None:
    params = {
        "metric_type": "operation_latency",
        "operation_type": "append",
        "backend": "json",
        "status": "success",
        "aggregation": "average",
    }
    body = demo_client.get("/metrics", params=params).json()
    assert 0.0 < body["metrics"]["append"]["json"] < 0.1


def test_success_and_error_rates_are_complementary(demo_client: httpx.Client) -> None:
    now = time.time()
    day = {"start_time": now - 86_400, "end_time": now - 120}  # before the live workload's writes
    success = demo_client.get("/metrics", params={"metric_type": "success_rate", **day}).json()
    errors = demo_client.get("/metrics", params={"metric_type": "error_rate", **day}).json()
    s, e = known.leaves(success["metrics"]), known.leaves(errors["metrics"])
    assert set(s) == set(e)
    for labels in s:
        assert [t for t, _ in s[labels]] == [t for t, _ in e[labels]]
        assert all(
            a + b == pytest.approx(1.0) for (_, a), (_, b) in zip(s[labels], e[labels], strict=True)
        )


def realtime(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/realtime")
    assert response.status_code == 200
    return response.json()


def test_realtime_summary_is_consistent(demo_client: httpx.Client) -> None:
    body = realtime(demo_client)
    assert body["operation"] == "get_realtime_telemetry" and body["window_seconds"] == 60
    count = body["operation_count"]["value"]
    assert count > 0
    assert body["operation_latency"]["count"] == count
    assert sum(body["operation_count"]["by_key"].values()) == count
    assert body["success_rate"]["value"] + body["error_rate"]["value"] == pytest.approx(1.0)
    assert body["throughput"]["value"] == pytest.approx(count / 60)
    ms = body["operation_latency"]
    assert (
        0
        < ms["minimum"]
        <= ms["median"]
        <= ms["percentile_95"]
        <= ms["percentile_99"]
        <= ms["maximum"]
    )
    seconds = [stats["mean"] for stats in body["latency"].values()]
    assert (
        min(seconds) * 1000 >= ms["minimum"] - 1e-9 and max(seconds) * 1000 <= ms["maximum"] + 1e-9
    )
    assert set(body["backend_health"]) >= {"ipfs", "s3", "storacha", "local", "json"}
    for health in body["backend_health"].values():
        assert health["status"] == {1.0: "online", 0.5: "degraded", 0.0: "offline"}[health["value"]]
    queue = body["queue_size"]
    assert queue["value"] == queue["by_key"]["pending"] + queue["by_key"]["processing"]
    assert body["status_distribution"]["completed"] + body["status_distribution"]["failed"] == count


def test_realtime_changes_from_second_to_second(demo_client: httpx.Client) -> None:
    seen: set[tuple[float, float]] = set()
    for _ in range(10):  # a busy shared server may skip a second now and then
        body = realtime(demo_client)
        seen.add((body["operation_count"]["value"], body["operation_latency"]["average"]))
        if len(seen) >= 3:
            break
        time.sleep(1.0)
    assert len(seen) >= 3


@pytest.mark.parametrize("metric_type", ALL_TYPES)
def test_visualization_is_a_png_of_the_asked_size(
    demo_client: httpx.Client, metric_type: str
) -> None:
    response = demo_client.get(f"/visualization/{metric_type}", params={"width": 4, "height": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.content) == (400, 300)


def test_default_chart_size_and_empty_selection(demo_client: httpx.Client) -> None:
    default = demo_client.get("/visualization/throughput")
    assert png_size(default.content) == (1200, 800)
    empty = demo_client.get(
        "/visualization/operation_latency", params={"backend": "nope", "width": 2, "height": 5}
    )
    assert empty.status_code == 200 and png_size(empty.content) == (200, 500)
    with_data = demo_client.get(
        "/visualization/operation_latency", params={"width": 2, "height": 5}
    )
    assert len(with_data.content) > len(empty.content)  # lines drawn, not an empty frame


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/visualization/latency", {}, 400),
        ("/visualization/throughput", {"width": 0}, 422),
        ("/visualization/throughput", {"height": 41}, 422),
        ("/visualization/throughput", {"width": "wide"}, 422),
    ],
)
def test_visualization_refuses_bad_parameters(
    demo_client: httpx.Client, path: str, params: dict[str, Any], status: int
) -> None:
    response = demo_client.get(path, params=params)
    assert response.status_code == status
    assert "detail" in response.json()
