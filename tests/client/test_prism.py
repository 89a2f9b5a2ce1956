"""Every SDK method's requests validate against openapi.yaml, as judged by Prism's mock server.

Prism answers an invalid request with an error status (which the SDK raises) and flags softer
problems in an `sl-violations` header, which the hook below collects.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk import (
    APIResponseValidationError,
    TelemetryAggregation,
    TelemetryMetricType,
    WALTelemetryClient,
)

pytestmark = pytest.mark.prism


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory, start_prism: Any) -> Iterator[str]:
    with start_prism(["mock"], tmp_path_factory.mktemp("prism") / "prism.log") as url:
        yield url


@pytest.fixture
def violations() -> list[str]:
    return []


@pytest.fixture
def client(prism_url: str, violations: list[str]) -> Iterator[WALTelemetryClient]:
    def collect(response: httpx.Response) -> None:
        if "sl-violations" in response.headers:
            violations.append(f"{response.request.url}: {response.headers['sl-violations']}")

    own = httpx.Client(event_hooks={"response": [collect]})
    with own, WALTelemetryClient(prism_url, api_key="prism-key", http_client=own) as client:
        yield client


def test_every_method_sends_requests_the_spec_accepts(
    client: WALTelemetryClient, violations: list[str], tmp_path: Path
) -> None:
    now = time.time()
    window = (now - 3600, now)
    client.get_metrics()
    client.get_metrics(
        metric_type=TelemetryMetricType.OPERATION_LATENCY,
        operation_type="append",
        backend="json",
        status="success",
        time_range=window,
        aggregation=TelemetryAggregation.PERCENTILE_95,
    )
    assert client.get_realtime_metrics().operation_latency.average == 12.0
    report = client.generate_report(start_time=window[0], end_time=window[1])
    client.generate_report()
    assert report.report_id
    client.get_report_file(report.report_id, "report.html", save_path=tmp_path / "r.html")
    with pytest.raises(APIResponseValidationError, match="not a PNG"):  # Prism's example text
        client.get_visualization(
            "throughput",
            operation_type="append",
            backend="json",
            status="success",
            time_range=window,
            width=4,
            height=3,
            save_path=tmp_path / "chart.png",
            source="server",
        )
    assert not (tmp_path / "chart.png").exists()
    client.get_config()
    client.update_config(
        enabled=True,
        metrics_path="/var/lib/wal/telemetry",
        retention_days=14,
        sampling_interval=30,
        enable_detailed_timing=False,
        operation_hooks=True,
    )
    client.update_config(retention_days=7)
    over_time = client.get_metrics_over_time("error_rate", start_time=now - 7200, end_time=now)
    assert len(over_time.time_series) == 2
    assert (
        client.monitor_realtime(lambda metrics, i: None, interval=0.05, duration=0.1).iterations
        == 2
    )
    client.get_time_series("throughput", now - 7200, now, 3600, backend="json")
    client.get_report_status("report_1795861061_a3f9")
    assert violations == []
