"""Prometheus samples from SDK results: upstream family names, Prometheus units, both dialects."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
from wal_telemetry_sdk.exporter import families
from wal_telemetry_sdk.models import RealtimeMetrics

from .conftest import FixedServer

UPSTREAM = "tests/fixtures/responses/getRealtimeMetrics.upstream.json"
Read = Callable[[str], Awaitable[RealtimeMetrics]]


async def read_sync(url: str) -> RealtimeMetrics:
    with WALTelemetryClient(url, max_retries=0) as client:
        return client.get_realtime_metrics()


async def read_async(url: str) -> RealtimeMetrics:
    async with AsyncWALTelemetryClient(url, max_retries=0) as client:
        return await client.get_realtime_metrics()


@pytest.fixture(params=[read_sync, read_async], ids=["sync", "async"])
def read(request: pytest.FixtureRequest) -> Read:
    return request.param  # type: ignore[no-any-return]


def by_name(metrics: RealtimeMetrics) -> dict[tuple[str, tuple[str, ...]], float]:
    return {(family.name, labels): value for family, labels, value in families.samples(metrics)}


async def test_reference_body_in_prometheus_units(
    frozen_realtime: dict[str, Any], read: Read
) -> None:
    with FixedServer(frozen_realtime) as server:
        got = by_name(await read(server.url))
    wire = frozen_realtime
    for key, stats in wire["latency"].items():
        operation, backend = key.split(":")
        for field, suffix in [
            ("mean", ""),
            ("median", "_median"),
            ("min", "_min"),
            ("max", "_max"),
            ("percentile_95", "_p95"),
        ]:
            # The wire sends seconds per key.
            assert got[
                (f"wal_operation_latency_seconds{suffix}", (operation, backend))
            ] == pytest.approx(stats[field])
    summary = wire["operation_latency"]  # milliseconds on the wire and in the SDK
    assert got[("wal_overall_latency_seconds_p95", ())] == pytest.approx(
        summary["percentile_95"] / 1000
    )
    assert got[("wal_overall_latency_seconds", ())] == pytest.approx(summary["average"] / 1000)
    assert got[("wal_overall_latency_seconds_p99", ())] == pytest.approx(
        summary["percentile_99"] / 1000
    )
    # Throughput: operations per second on the wire, per minute as upstream's family says.
    assert got[("wal_overall_operations_per_minute", ())] == pytest.approx(
        wire["throughput"]["value"] * 60
    )
    for key, rate in wire["throughput"]["by_key"].items():
        assert got[("wal_operations_per_minute", tuple(key.split(":")))] == pytest.approx(rate * 60)
    for key, rate in wire["success_rate"]["by_key"].items():
        assert got[("wal_operation_success_rate", tuple(key.split(":")))] == rate
    assert got[("wal_overall_error_rate", ())] == wire["error_rate"]["value"]
    for status, count in wire["queue_size"]["by_key"].items():
        assert got[("wal_queue_size", (status,))] == count
    for status, count in wire["status_distribution"].items():
        assert got[("wal_operations_by_status", ("", "", status))] == count
    for backend, health in wire["backend_health"].items():
        assert got[("wal_backend_health", (backend,))] == health["value"]
    assert got[("wal_telemetry_window_seconds", ())] == wire["window_seconds"]


async def test_upstream_body_gives_the_upstream_families(read: Read) -> None:
    with open(UPSTREAM) as file, FixedServer(json.load(file)) as server:
        got = by_name(await read(server.url))
    assert got[("wal_operation_latency_seconds", ("cat", "ipfs"))] == 0.021
    assert got[("wal_operation_latency_seconds_p95", ("get", "s3"))] == 2.0
    assert got[("wal_operation_success_rate", ("get", "s3"))] == 0.6667
    assert got[("wal_operation_error_rate", ("get", "s3"))] == 0.3333
    # The overall mean the SDK derives (count-weighted), back in seconds.
    assert got[("wal_overall_latency_seconds", ())] == pytest.approx((12 * 0.021 + 3 * 1.1) / 15)
    assert not any(name == "wal_operations_per_minute" for name, _ in got)  # upstream sends {}


def test_every_family_has_a_unique_prometheus_name() -> None:
    names = [family.name for family in families.FAMILIES]
    assert len(names) == len(set(names))
    assert all(name.startswith("wal_") for name in names)
    upstream = {"wal_operation_latency_seconds", "wal_operation_latency_seconds_median",
                "wal_operation_latency_seconds_max", "wal_operation_latency_seconds_min",
                "wal_operation_latency_seconds_p95", "wal_operation_success_rate",
                "wal_operation_error_rate", "wal_operations_per_minute",
                "wal_operations_by_status", "wal_queue_size", "wal_backend_health"}  # fmt: skip
    assert upstream <= set(names)
