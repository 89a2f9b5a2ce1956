"""Integration traffic through Prism's validating proxy: every operation, 0 violations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_server.model import AGGREGATIONS, METRIC_TYPES
from wal_telemetry_server.testing import running_server

from .conftest import API, seeded_database

KEY = "prism-key"


class Proxy:
    """A running `prism proxy --errors` and the file holding everything it printed."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, start_prism: Any) -> Iterator[Proxy]:
    folder = tmp_path_factory.mktemp("prism")
    db = seeded_database(folder / "prism.sqlite3")
    log = folder / "prism.log"
    with (
        running_server(api_key=KEY, demo=True, db_path=db) as server,
        start_prism(["proxy", server.url], log) as url,
    ):
        yield Proxy(url, log)


@pytest.fixture(scope="module")
def client(proxy: Proxy) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=proxy.url + API, headers=headers, timeout=120) as client:
        yield client


def expect(response: httpx.Response, status: int, media_type: str = "application/json") -> Any:
    """The response passed Prism unchanged: the server's status and media type, no problem."""
    assert "problem+json" not in response.headers.get("content-type", ""), response.text[:2000]
    assert "sl-violations" not in response.headers, response.headers["sl-violations"]
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith(media_type)
    return response.json() if media_type == "application/json" else response.content


def test_traffic_through_the_validating_proxy(proxy: Proxy, client: httpx.Client) -> None:
    now = time.time()
    hour = {"start_time": now - 3600, "end_time": now}
    seed_query = {"operation_type": "append", "backend": "json", "status": "success"}

    # metrics: every type, every aggregation, filters, either bound, empty results, limits
    for metric_type in METRIC_TYPES:
        expect(client.get("/metrics", params={"metric_type": metric_type, **hour}), 200)
    for aggregation in AGGREGATIONS:
        expect(client.get("/metrics", params={"aggregation": aggregation, **hour}), 200)
    body = expect(
        client.get("/metrics", params={"metric_type": "operation_latency", **seed_query}), 200
    )
    assert body["metrics"]["append"]["json"]
    expect(
        client.get("/metrics", params={"metric_type": "throughput", "start_time": now - 600}), 200
    )
    expect(
        client.get("/metrics", params={"metric_type": "retry_count", "end_time": now - 3600}), 200
    )
    empty = expect(
        client.get("/metrics", params={"metric_type": "queue_size", "backend": "nope"}), 200
    )
    assert empty["metrics"] == {"pending": [], "processing": []}

    # real time
    expect(client.get("/realtime"), 200)

    # time series, and its refusals
    window = {"start_time": now - 7200, "end_time": now, "step": 600}
    for aggregation in ("sum", "average", "percentile_99"):
        expect(
            client.get(
                "/timeseries",
                params={"metric_type": "operation_count", "aggregation": aggregation, **window},
            ),
            200,
        )
    expect(client.get("/timeseries", params={**window, "metric_type": "backend_health"}), 200)
    expect(
        client.get(
            "/timeseries",
            params={"metric_type": "throughput", "start_time": 0, "end_time": 1e9, "step": 1},
        ),
        400,
    )
    expect(
        client.get(
            "/timeseries",
            params={"metric_type": "throughput", "start_time": 9, "end_time": 1, "step": 1},
        ),
        400,
    )

    # charts
    for metric_type in METRIC_TYPES:
        expect(
            client.get(f"/visualization/{metric_type}", params={"width": 3, "height": 2}),
            200,
            "image/png",
        )
    expect(
        client.get(
            "/visualization/success_rate", params={"backend": "nope", "width": 2, "height": 2}
        ),
        200,
        "image/png",
    )

    # settings
    expect(client.get("/config"), 200)
    expect(client.post("/config", json={"retention_days": 30, "sampling_interval": 60}), 200)
    warned = expect(client.post("/config", json={"operation_hooks": False}), 200)
    assert "restart" in warned["warning"]

    # reports: lifecycle, files, refusals
    started = expect(client.post("/report", data={"start_time": now - 3600, "end_time": now}), 200)
    report_id = started["report_id"]
    deadline = time.monotonic() + 120
    while (status := expect(client.get(f"/reports/{report_id}"), 200))["status"] != "complete":
        assert status["status"] in ("pending", "running") and time.monotonic() < deadline, status
        time.sleep(0.3)
    media = {".html": "text/html", ".json": "application/json", ".png": "image/png"}
    for name in status["files"]:
        response = client.get(f"/reports/{report_id}/{name}")
        expect(response, 200, media[Path(name).suffix])
    expect(client.get("/reports/report_1_ffff"), 404)
    expect(client.get("/reports/report_1_ffff/report.html"), 404)
    expect(client.get(f"/reports/{report_id}/missing.png"), 404)
    expect(client.post("/report", data={"start_time": 20, "end_time": 10}), 400)
    statuses = [
        client.post("/report", data={"start_time": now - 60, "end_time": now}) for _ in range(12)
    ]
    for response in statuses:
        expect(response, response.status_code)
    assert {r.status_code for r in statuses} == {200, 429}  # a full queue answers 429 Retry-After
    assert all(r.headers["retry-after"] == "5" for r in statuses if r.status_code == 429)

    # without the key
    unauthorized = httpx.get(proxy.url + API + "/realtime", timeout=30)
    expect(unauthorized, 401)

    output = proxy.output()
    assert "violation" not in output.lower(), output[-4000:]
    assert output.count("Forwarding") >= 60

    # The proxy does validate: a request outside the spec is refused by Prism itself.
    refused = client.get("/metrics", params={"metric_type": "latency"})
    assert refused.status_code == 422 and "problem+json" in refused.headers["content-type"]
