"""Response size bounds with a quarter of a million stored operations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.model import OperationSample
from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import running_server

from .conftest import API

START = 1_699_000_000.0
COUNT = 260_000


@pytest.fixture(scope="module")
def bulk_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db: Path = tmp_path_factory.mktemp("bulk") / "bulk.sqlite3"
    with TelemetryStore(db) as store:
        store.bulk_record(
            OperationSample(START + i * 0.01, "append", "json", "success", 0.001, 0)
            for i in range(COUNT)
        )
        store.save_settings({"retention_days": 3650})
    with (
        running_server(demo=False, db_path=db) as server,
        httpx.Client(base_url=server.url + API, timeout=120) as client,
    ):
        yield client


def test_more_than_the_limit_is_400_naming_it(bulk_client: httpx.Client) -> None:
    response = bulk_client.get("/metrics", params={"metric_type": "operation_latency"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "250000" in detail and "aggregation" in detail and "time range" in detail


def test_a_hundred_thousand_points_are_served(bulk_client: httpx.Client) -> None:
    params = {"metric_type": "operation_latency", "start_time": START, "end_time": START + 1000}
    response = bulk_client.get("/metrics", params=params)
    assert response.status_code == 200
    assert len(response.json()["metrics"]["append"]["json"]) == 100_000


def test_aggregating_everything_is_allowed(bulk_client: httpx.Client) -> None:
    params = {"metric_type": "operation_latency", "aggregation": "count"}
    body = bulk_client.get("/metrics", params=params).json()
    assert body["metrics"] == {"append": {"json": COUNT}}
