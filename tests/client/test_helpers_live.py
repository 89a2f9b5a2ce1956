"""Time series, monitoring, charts and reports against a running reference server, both clients.

Where a test needs the upstream dialect, `WithoutReferenceOnlyRoutes` answers the reference-only
operations with the bare 404 a server without them sends, and a report's first chart with a 404
(upstream links charts it never wrote); every other request reaches the real server.
"""

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from tests.clients import Kind, close_http, make_client, make_monitor
from wal_telemetry_sdk.alerts import AlertEvaluator, AlertEvent, AlertRule
from wal_telemetry_sdk.charts import png_size
from wal_telemetry_server.testing import running_server

HOUR = 3600.0
API = "/api/v0/wal/telemetry"


MISSING_CHART = "operation_latency.png"


class WithoutReferenceOnlyRoutes(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Upstream's routes: `/timeseries` and `/reports/{id}` are unknown, charts fail, and a
    report's latency chart was never written. For either kind of httpx client."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.async_inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    def refusal(self, request: httpx.Request) -> httpx.Response | None:
        path = request.url.path
        self.paths.append(path)
        is_status = path.startswith(f"{API}/reports/") and path.count("/") == API.count("/") + 2
        if path == f"{API}/timeseries" or is_status:
            return httpx.Response(404, json={"detail": "Not Found"})
        if path.startswith(f"{API}/reports/") and path.endswith(f"/{MISSING_CHART}"):
            return httpx.Response(404, json={"detail": "Report file not found"})
        if path.startswith(f"{API}/visualization/"):
            return httpx.Response(500, json={"detail": "cannot plot this metric"})
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.refusal(request) or self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.refusal(request) or await self.async_inner.handle_async_request(request)


@pytest.fixture
def upstream_like(wal_telemetry_server: Any, client_kind: Kind) -> Any:
    transport = WithoutReferenceOnlyRoutes()
    http: httpx.Client | httpx.AsyncClient
    if client_kind == "sync":
        http = httpx.Client(transport=transport)
    else:
        http = httpx.AsyncClient(transport=transport)
    with make_client(client_kind, wal_telemetry_server.url, http_client=http) as client:
        yield client, transport
    close_http(http)


@pytest.fixture
def client(wal_telemetry_server: Any, client_kind: Kind) -> Any:
    with make_client(client_kind, wal_telemetry_server.url) as client:
        yield client


def test_server_buckets_and_per_bucket_requests_agree(client: Any, upstream_like: Any) -> None:
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
        ours_series = {s.labels: s.value for s in ours.series}
        theirs_series = {s.labels: s.value for s in theirs.series}
        assert ours_series.keys() == theirs_series.keys() and ours_series
        for labels, value in ours_series.items():
            assert value == pytest.approx(theirs_series[labels], rel=1e-9)


def test_metrics_over_time_in_the_seed_shape_and_as_a_time_series(
    client: Any,
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


def test_monitor_ticks_do_not_drift(client: Any) -> None:
    """Each tick lands on its slot of the schedule; a tick that overran skips slots, never
    shifts the ones after it (a loaded machine may make a few ticks late)."""
    seen: list[tuple[int, float]] = []
    started = time.monotonic()
    client.monitor_realtime(
        lambda metrics, i: seen.append((i, time.monotonic())), interval=0.2, duration=3.9
    )
    assert 15 <= len(seen) <= 20 and [i for i, _ in seen] == list(range(len(seen)))
    offsets = [(at - started) / 0.2 for _, at in seen]
    assert offsets == sorted(offsets) and 18.5 < offsets[-1] < 19.5, offsets


def test_monitor_survives_a_server_restart(tmp_path: Path, client_kind: Kind) -> None:
    ticks: list[tuple[int, float]] = []
    errors: list[int] = []
    with running_server(demo=True, seed=7, db_path=tmp_path / "restart.sqlite3") as server:
        client = make_client(client_kind, server.url, max_retries=0, timeout=2)
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


def test_alerts_fire_and_resolve_on_a_scripted_workload(client: Any, client_kind: Kind) -> None:
    live = client.get_realtime_metrics()
    script = [100, 600, 700, 800, 900, 480, 300, 200, 100]  # p95 in ms, tick by tick
    snapshots = iter(
        attrs.evolve(live, operation_latency=attrs.evolve(live.operation_latency, percentile_95=p))
        for p in script
    )
    events: list[AlertEvent] = []
    rule = AlertRule.parse("operation_latency.percentile_95 > 500 for 3", hysteresis=50)

    def stop_after_the_script(metrics: Any, iteration: int) -> None:
        if iteration == len(script) - 1:
            monitor.stop()

    monitor = make_monitor(
        client_kind,
        lambda: next(snapshots),
        stop_after_the_script,
        interval=0.01,
        alerts=AlertEvaluator([rule], on_event=events.append),
    )
    monitor.run()
    # Fires on the third breaching tick; 480 is within the hysteresis band, 300 resolves it.
    assert [(e.state, e.iteration, e.value) for e in events] == [
        ("firing", 3, 800),
        ("resolved", 6, 300),
    ]


def test_charts_from_the_server_and_drawn_here_have_the_asked_size(
    client: Any, upstream_like: Any, tmp_path: Path
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
    client: Any, upstream_like: Any, tmp_path: Path
) -> None:
    progress: list[str] = []
    poller = client.begin_generate_report(on_progress=lambda p: progress.append(p.state))
    finished = poller.result(timeout=120)
    assert poller.done() and poller.status() == "complete" and progress[-1] == "complete"
    assert finished.report_id == poller.report_id and set(finished.urls) == set(finished.files)
    page = httpx.get(finished.urls["report.html"], timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    written = client.download_report(poller.report_id, tmp_path / "reference")
    assert sorted(path.name for path in written) == sorted(finished.files)
    assert all(path.stat().st_size > 0 for path in written)

    fallback, transport = upstream_like
    poller = fallback.begin_generate_report(start_time=time.time() - 6 * HOUR)
    found = poller.result(timeout=120)
    assert "report.html" in found.files and MISSING_CHART in found.files
    written = fallback.download_report(poller.report_id, tmp_path / "upstream")
    names = {path.name for path in written}
    assert {"report.html", "report.json"} <= names and MISSING_CHART not in names
    assert any(name.endswith(".png") for name in names)
    assert any(path.endswith("/report.html") for path in transport.paths)


def test_report_thresholds_reach_the_report(client: Any, tmp_path: Path) -> None:
    chosen = {"max_latency_p95_ms": 1.5, "min_success_rate": 0.25, "max_queue_size": 7.0}
    poller = client.begin_generate_report(**chosen)
    poller.result(timeout=120)
    client.download_report(poller.report_id, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["headline"]["thresholds"] == chosen
    page = (tmp_path / "report.html").read_text()
    assert re.search(r"(over|limit) 1\.5 ms", page)
    assert re.search(r"(over|limit) 7 operations", page)


def test_a_failed_download_leaves_no_folder(client: Any, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not found"):
        client.download_report("report_that_does_not_exist", tmp_path / "missing", timeout=5)
    assert list(tmp_path.iterdir()) == []


def wait_until(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        threading.Event().wait(0.05)
