"""Time series, monitoring, charts and reports against a running reference server.

Where a test needs the upstream dialect, `WithoutReferenceOnlyRoutes` answers the reference-only
operations with the bare 404 a server without them sends; every other request reaches the real
server.
"""

import threading
import time
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_sdk.alerts import AlertEvaluator, AlertEvent, AlertRule
from wal_telemetry_sdk.charts import png_size
from wal_telemetry_sdk.monitor import Monitor
from wal_telemetry_server.testing import running_server

HOUR = 3600.0
API = "/api/v0/wal/telemetry"


class WithoutReferenceOnlyRoutes(httpx.BaseTransport):
    """Upstream's routes: `/timeseries` and `/reports/{id}` are unknown; charts may fail."""

    def __init__(self, *, failing_charts: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.failing_charts = failing_charts
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.paths.append(path)
        is_status = path.startswith(f"{API}/reports/") and path.count("/") == 5
        if path == f"{API}/timeseries" or is_status:
            return httpx.Response(404, json={"detail": "Not Found"})
        if self.failing_charts and path.startswith(f"{API}/visualization/"):
            return httpx.Response(500, json={"detail": "cannot plot this metric"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def upstream_like(wal_telemetry_server: Any) -> Any:
    transport = WithoutReferenceOnlyRoutes(failing_charts=True)
    with (
        httpx.Client(transport=transport) as http,
        WALTelemetryClient(wal_telemetry_server.url, http_client=http) as client,
    ):
        yield client, transport


@pytest.fixture
def client(wal_telemetry_server: Any) -> Any:
    with WALTelemetryClient(wal_telemetry_server.url) as client:
        yield client


def test_server_buckets_and_per_bucket_requests_agree(
    client: WALTelemetryClient, upstream_like: Any
) -> None:
    fallback, transport = upstream_like
    end = time.time() - HOUR
    start = end - 6 * HOUR
    server = client.get_metrics_over_time("operation_latency", start_time=start, end_time=end)
    local = fallback.get_metrics_over_time("operation_latency", start_time=start, end_time=end)
    assert (server.source, local.source) == ("timeseries", "per-bucket")
    assert sum(path.endswith("/metrics") for path in transport.paths) == 6
    assert [b.timestamp for b in server.time_series] == [b.timestamp for b in local.time_series]
    for ours, theirs in zip(server.time_series, local.time_series, strict=True):
        assert ours.metrics.keys() == theirs.metrics.keys()
        for operation, backends in ours.metrics.items():
            for backend, value in backends.items():
                assert value == pytest.approx(theirs.metrics[operation][backend], rel=1e-9)


def test_metrics_over_time_in_the_seed_shape_and_as_a_time_series(
    client: WALTelemetryClient,
) -> None:
    result = client.get_metrics_over_time("throughput", interval=6 * HOUR)
    data = result.to_dict()
    assert {
        "success",
        "operation",
        "timestamp",
        "metric_type",
        "start_time",
        "end_time",
        "interval",
        "time_series",
    } <= data.keys()
    assert len(data["time_series"]) == 4
    assert data["end_time"] - data["start_time"] == pytest.approx(24 * HOUR, abs=5)
    series = result.series
    (overall,) = series.labels
    assert len(series[overall]) == 4 and all(value >= 0 for value in series[overall].values)
    assert series.trend()[overall].n == 4


def test_monitor_ticks_do_not_drift(client: WALTelemetryClient) -> None:
    seen: list[float] = []
    started = time.monotonic()
    client.monitor_realtime(
        lambda metrics, i: seen.append(time.monotonic()), interval=0.2, duration=3.9
    )
    assert len(seen) == 20
    drift = [abs(at - started - k * 0.2) for k, at in enumerate(seen)]
    assert max(drift) < 0.05, drift


def test_monitor_survives_a_server_restart(tmp_path: Path) -> None:
    ticks: list[tuple[int, float]] = []
    errors: list[int] = []
    with running_server(demo=True, seed=7, db_path=tmp_path / "restart.sqlite3") as server:
        client = WALTelemetryClient(server.url, max_retries=0, timeout=2)
        monitor = client.monitor_realtime(
            lambda metrics, i: ticks.append((i, time.monotonic())),
            interval=0.2,
            on_error=lambda error, i: errors.append(i),
            background=True,
        )
        try:
            wait_until(lambda: len(ticks) >= 3)
            server.stop()
            wait_until(lambda: len(errors) >= 2)
            stopped_at = time.monotonic()
            server.restart()
            wait_until(lambda: ticks[-1][1] > stopped_at and len(ticks) >= 6)
        finally:
            monitor.stop()
            monitor.join(5)
            client.close()
    assert errors and ticks[-1][0] > max(errors)


def test_alerts_fire_and_resolve_on_a_scripted_workload(client: WALTelemetryClient) -> None:
    live = client.get_realtime_metrics()
    script = [100, 600, 700, 800, 900, 480, 300, 200, 100]  # p95 in ms, tick by tick
    snapshots = iter(
        attrs.evolve(live, operation_latency=attrs.evolve(live.operation_latency, percentile_95=p))
        for p in script
    )
    events: list[AlertEvent] = []
    rule = AlertRule.parse("operation_latency.percentile_95 > 500 for 3", hysteresis=50)
    monitor = Monitor(
        lambda: next(snapshots),
        lambda metrics, i: None,
        interval=0.01,
        duration=0.01 * (len(script) - 0.5),
        alerts=AlertEvaluator([rule], on_event=events.append),
    )
    monitor.run()
    # Fires on the third breaching tick; 480 is within the hysteresis band, 300 resolves it.
    assert [(e.state, e.iteration, e.value) for e in events] == [
        ("firing", 3, 800),
        ("resolved", 6, 300),
    ]


def test_charts_from_the_server_and_drawn_here_have_the_asked_size(
    client: WALTelemetryClient, upstream_like: Any, tmp_path: Path
) -> None:
    server = client.get_visualization("throughput", width=5, height=3, save_path=tmp_path / "s.png")
    assert server.source == "server" and png_size(server.content or b"") == (500, 300)
    fallback, _ = upstream_like
    drawn = fallback.get_visualization(
        "retry_count", width=6, height=4, save_path=tmp_path / "c.png"
    )
    assert drawn.source == "client" and png_size((tmp_path / "c.png").read_bytes()) == (600, 400)
    with pytest.raises(Exception, match="cannot plot"):
        fallback.get_visualization("retry_count", source="server")


def test_report_poller_and_download_on_both_dialects(
    client: WALTelemetryClient, upstream_like: Any, tmp_path: Path
) -> None:
    progress: list[str] = []
    poller = client.begin_generate_report(on_progress=lambda p: progress.append(p.state))
    finished = poller.result(timeout=120)
    assert poller.done() and poller.status() == "complete" and progress[-1] == "complete"
    written = client.download_report(poller.report_id, tmp_path / "reference")
    assert sorted(path.name for path in written) == sorted(finished.files)
    assert all(path.stat().st_size > 0 for path in written)

    fallback, transport = upstream_like
    poller = fallback.begin_generate_report(start_time=time.time() - 6 * HOUR)
    found = poller.result(timeout=120)
    assert "report.html" in found.files and any(name.endswith(".png") for name in found.files)
    written = fallback.download_report(poller.report_id, tmp_path / "upstream")
    assert {"report.html", "report.json"} <= {path.name for path in written}
    assert any(path.endswith("/report.html") for path in transport.paths)


def test_a_failed_download_leaves_no_folder(client: WALTelemetryClient, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not found"):
        client.download_report("report_that_does_not_exist", tmp_path / "missing", timeout=5)
    assert list(tmp_path.iterdir()) == []


def wait_until(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        threading.Event().wait(0.05)
