"""Every client method over HTTP against the reference server (seeded demo, loopback)."""

import json
import struct
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients import KINDS, Kind, make_client
from wal_telemetry_sdk import (
    AsyncWALTelemetryClient,
    AuthenticationError,
    NotFoundError,
    TelemetryAggregation,
    TelemetryMetricType,
    UnprocessableEntityError,
    WALTelemetryClient,
)
from wal_telemetry_sdk._conversion import realtime_from_json
from wal_telemetry_sdk._error_mapping import unwrap
from wal_telemetry_sdk.models import FileResult, MetricsResult
from wal_telemetry_server.testing import RunningServer, running_server

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOUR = 3600.0


@pytest.fixture(scope="module", params=KINDS)
def client(wal_telemetry_server: RunningServer, request: pytest.FixtureRequest) -> Any:
    with make_client(request.param, wal_telemetry_server.url) as client:
        yield client


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def wait_for_file(client: Any, report_id: str, name: str, **kw: Any) -> FileResult:
    """Reports are written in the background: poll until the file is there (bounded)."""
    for _ in range(100):
        try:
            return client.get_report_file(report_id, name, **kw)
        except NotFoundError:
            time.sleep(0.2)
    raise AssertionError(f"{name} of {report_id} never appeared")


def test_realtime_metrics_are_typed_and_consistent(client: Any) -> None:
    metrics = client.get_realtime_metrics()
    assert metrics.success and metrics.latency
    summary = metrics.operation_latency
    assert summary.count == round(sum(s.count for s in metrics.latency.values()))
    assert summary.minimum is not None and summary.maximum is not None
    assert summary.minimum <= (summary.average or 0) <= summary.maximum
    assert 0 <= metrics["success_rate"]["value"] <= 1
    assert metrics.success_rate.value + metrics.error_rate.value == pytest.approx(1)
    assert set(metrics.success_rate.by_key) == set(metrics.latency)


def test_the_servers_summaries_match_what_the_sdk_derives_for_upstream(
    wal_telemetry_server: RunningServer,
) -> None:
    """Same data, both dialects: strip the reference body to upstream's fields and compare."""
    raw = httpx.get(f"{wal_telemetry_server.url}/api/v0/wal/telemetry/realtime").json()
    upstream = {key: raw[key] for key in ("success", "operation", "timestamp", "latency")} | {
        key: raw[key]["by_key"] for key in ("success_rate", "error_rate")
    }

    def typed(body: dict[str, Any]) -> Any:
        return unwrap(httpx.Response(200, content=json.dumps(body).encode()), realtime_from_json)

    reference, derived = typed(raw), typed(upstream)
    assert derived.latency == reference.latency
    for name in ("average", "minimum", "maximum", "count"):
        got, want = derived.operation_latency[name], reference.operation_latency[name]
        assert got == pytest.approx(want, rel=1e-9), name
    for name in ("success_rate", "error_rate"):
        assert derived[name] == pytest.approx(reference[name])  # attrs eq, values compared
        assert derived[name].value == pytest.approx(reference[name].value)
    assert derived.operation_count.value == reference.operation_count.value


@pytest.mark.parametrize("metric_type", list(TelemetryMetricType))
def test_get_metrics_for_every_metric_type(client: Any, metric_type: TelemetryMetricType) -> None:
    now = time.time()
    result = client.get_metrics(metric_type=metric_type, time_range=(now - 6 * HOUR, now))
    assert isinstance(result, MetricsResult) and result.success
    assert result.metric_type == metric_type
    assert result.series, "the demo has data for every metric type"
    for series in result.series:  # rates come in minute buckets, stamped at the bucket's start
        assert all(now - 6 * HOUR - 60 <= t <= now + 1 for t, _ in series.points)


def test_get_metrics_filters_and_aggregates(client: Any) -> None:
    result = client.get_metrics(
        metric_type=TelemetryMetricType.OPERATION_LATENCY,
        operation_type="append",
        backend="json",
        aggregation=TelemetryAggregation.AVERAGE,
    )
    assert [s.labels for s in result.series] == [("append", "json")]
    assert result.series[0].is_aggregated and result.series[0].value > 0
    assert result.aggregation is TelemetryAggregation.AVERAGE


def test_report_generation_and_files(client: Any, tmp_path: Path) -> None:
    now = time.time()
    report = client.generate_report(start_time=now - 2 * HOUR, end_time=now)
    assert report.report_id and report.report_url and report.report_id in report.report_url
    target = tmp_path / "report.html"
    page = wait_for_file(client, report.report_id, "report.html", save_path=target)
    assert page.saved and target.read_bytes() == page.content
    assert page.content_type and page.content_type.startswith("text/html")
    data = wait_for_file(client, report.report_id, "report.json")
    assert isinstance(json.loads(data.content or b""), dict)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    with pytest.raises(NotFoundError):
        client.get_report_file(report.report_id, "missing.png")


def test_visualization_is_a_png_of_the_asked_size(client: Any, tmp_path: Path) -> None:
    target = tmp_path / "throughput.png"
    chart = client.get_visualization(
        TelemetryMetricType.THROUGHPUT, width=4, height=3, save_path=target
    )
    assert png_size(chart.content or b"") == (400, 300)
    assert target.read_bytes() == chart.content
    assert "/visualization/throughput?" in chart.url and "width=4" in chart.url


def test_open_browser_opens_the_servers_urls(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    report = client.generate_report(open_browser=True)
    assert client.get_report_file(report.report_id, "report.html").content  # complete when opened
    chart = client.get_visualization("operation_latency", backend="json", open_browser=True)
    assert chart.opened_in_browser and chart.content is None
    assert opened[0] == f"{client.base_url}{report.report_url}"
    assert opened[1] == chart.url and opened[1].startswith(client.base_url)


def test_config_round_trip(client: Any) -> None:
    before = client.get_config().config
    try:
        after = client.update_config(retention_days=14, sampling_interval=30).config
        assert (after.retention_days, after.sampling_interval) == (14, 30)
        assert after.enabled == before.enabled
        assert client.get_config()["config"]["retention_days"] == 14
    finally:
        client.update_config(
            retention_days=before.retention_days, sampling_interval=before.sampling_interval
        )


def test_metrics_over_time_has_one_bucket_per_interval(client: Any) -> None:
    end = time.time()
    over_time = client.get_metrics_over_time(
        "operation_latency", backend="json", start_time=end - 3 * HOUR, end_time=end
    )
    assert [round(b.end_time - b.start_time) for b in over_time.time_series] == [3600] * 3
    assert all(s.is_aggregated for b in over_time.time_series for s in b.series)


def test_monitor_realtime_calls_back_on_schedule(client: Any) -> None:
    seen: list[int] = []
    monitor = client.monitor_realtime(
        lambda metrics, iteration: seen.append(iteration), interval=0.2, duration=0.7
    )
    assert seen == list(range(monitor.iterations)) and monitor.iterations == 4


def test_server_side_validation_errors_are_typed(client: Any) -> None:
    with pytest.raises(NotFoundError) as raised:
        client.get_report_file("report_does_not_exist", "report.html")
    assert raised.value.status_code == 404 and isinstance(raised.value, ValueError)
    with pytest.raises(UnprocessableEntityError, match="backend: String should have at most 64"):
        client.get_metrics(time_range=(1, 2), backend="x" * 65)


def test_both_clients_have_the_same_public_methods() -> None:
    public = {name for name in dir(WALTelemetryClient) if not name.startswith("_")}
    assert public == {name for name in dir(AsyncWALTelemetryClient) if not name.startswith("_")}


def test_api_key_is_sent_as_a_bearer_token(client_kind: Kind) -> None:
    with running_server(api_key="integration-key", demo=False) as server:
        with make_client(client_kind, server.url) as anonymous, pytest.raises(AuthenticationError):
            anonymous.get_config()
        with (
            make_client(client_kind, server.url, api_key="wrong") as wrong,
            pytest.raises(AuthenticationError),
        ):
            wrong.get_config()
        with make_client(client_kind, server.url, api_key="integration-key") as authorised:
            assert authorised.get_config().success


def test_idle_connections_are_kept_a_second_less_than_the_server_says(client: Any) -> None:
    """The reference server sends `Keep-Alive: timeout=75`; without it the SDK keeps 4 s."""
    client.get_config()
    pool = client._transport.inner
    core = getattr(pool, "_pool", pool)  # httpx's transport holds an httpcore pool
    assert client._transport.idle_expiry == core._keepalive_expiry == 74
