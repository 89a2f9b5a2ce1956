"""Both server dialects end as the same typed results.

Fixture bodies go through the mapping the client uses for every response: `unwrap` with the
result's converter (success bodies) or `error_from_response` (error statuses), inside the scope
of one call, exactly as both clients do.
"""

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
from wal_telemetry_api_client import models as api

from wal_telemetry_sdk import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    TelemetryAggregation,
    TelemetryMetricType,
    UnprocessableEntityError,
)
from wal_telemetry_sdk._conversion import (
    config_from_json,
    metrics_from_json,
    realtime_from_json,
    report_from_json,
)
from wal_telemetry_sdk._error_mapping import arrived, call_errors, error_from_response, unwrap
from wal_telemetry_sdk.enums import ReportState
from wal_telemetry_sdk.models import LatencySummary, ValueSummary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "responses"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def parse(body: Any, convert: Any) -> Any:
    """What the client does with a 200 response's body, once it has arrived."""
    response = httpx.Response(HTTPStatus.OK, content=json.dumps(body).encode())
    with call_errors():
        arrived.set(response)
        return unwrap(response, convert)


def realtime(body: Any) -> Any:
    return parse(body, realtime_from_json)


def as_upstream(reference: dict[str, Any]) -> dict[str, Any]:
    """The same data as the upstream server sends it: per-key maps only, no summaries."""
    return {
        "success": True,
        "operation": reference["operation"],
        "timestamp": reference["timestamp"],
        "latency": reference["latency"],
        "success_rate": reference["success_rate"]["by_key"],
        "error_rate": reference["error_rate"]["by_key"],
        "throughput": {},
        "status_distribution": {},
    }


def test_realtime_from_both_dialects_agrees_on_what_upstream_carries() -> None:
    reference = fixture("getRealtimeMetrics.reference")
    typed = realtime(reference)
    derived = realtime(as_upstream(reference))
    assert derived.latency == typed.latency
    assert derived.success_rate == typed.success_rate
    assert derived.error_rate == typed.error_rate
    assert derived.operation_count.value == typed.operation_count.value == 42
    summary, from_maps = typed.operation_latency, derived.operation_latency
    for name in ("average", "median", "minimum", "maximum", "percentile_95", "count"):
        assert getattr(from_maps, name) == pytest.approx(getattr(summary, name)), name
    assert from_maps.percentile_99 is None  # upstream has no 99th percentile to copy


def test_upstream_realtime_derivations_over_several_keys() -> None:
    metrics = realtime(fixture("getRealtimeMetrics.upstream"))
    # cat:ipfs 12 ops, mean 21 ms; get:s3 3 ops, mean 1100 ms.
    assert metrics["operation_latency"]["average"] == pytest.approx((12 * 21 + 3 * 1100) / 15)
    assert metrics.operation_latency == LatencySummary(
        average=pytest.approx(236.8),
        minimum=pytest.approx(10.0),
        maximum=pytest.approx(2200.0),
        count=15,
    )
    assert metrics["success_rate"]["value"] == pytest.approx((12 * 1.0 + 3 * 0.6667) / 15)
    assert metrics.error_rate.value == pytest.approx((12 * 0.0 + 3 * 0.3333) / 15)
    assert metrics.throughput == ValueSummary(None, {})
    assert metrics.operation_count == ValueSummary(15.0, {"cat:ipfs": 12.0, "get:s3": 3.0})
    assert metrics.queue_size.value is None and metrics.backend_health == {}


def test_rates_without_counts_are_a_plain_mean_and_throughput_a_sum() -> None:
    body = {
        "success": True,
        "success_rate": {"a:x": 1.0, "b:y": 0.5},
        "throughput": {"a:x": 2.0, "b:y": 3.5},
    }
    metrics = realtime(body)
    assert metrics.success_rate.value == pytest.approx(0.75)
    assert metrics.throughput.value == pytest.approx(5.5)
    assert metrics.operation_latency == LatencySummary()


def test_reference_realtime_keeps_the_servers_summaries() -> None:
    metrics = realtime(fixture("getRealtimeMetrics.reference"))
    assert metrics.operation_latency.percentile_99 == 45.0
    assert metrics["throughput"]["value"] == 12.5
    assert metrics.backend_health["s3"].status == "degraded"
    assert metrics.backend_health["s3"]["value"] == 0.5
    assert metrics.window_seconds == 60


def test_metrics_trees_become_series_in_milliseconds_tree_and_series_alike() -> None:
    body = fixture("getMetrics.reference")  # latency sent in seconds
    result = parse(body, metrics_from_json)
    assert result.metric_type is TelemetryMetricType.OPERATION_LATENCY
    assert result.unit == "ms"
    append, add = [[1795860941.52, 12.1], [1795861001.52, 13.4]], [[1795860971.52, 81.0]]
    assert result.metrics == {"append": {"json": append}, "add": {"ipfs": add, "s3": []}}
    assert [s.labels for s in result.series] == [("append", "json"), ("add", "ipfs"), ("add", "s3")]
    assert [[v for _, v in s.points] for s in result.series] == [
        [pytest.approx(12.1), pytest.approx(13.4)],
        [pytest.approx(81.0)],
        [],
    ]


def test_upstream_aggregated_trees_become_single_values() -> None:
    body = fixture("getMetrics.upstream_aggregated")
    result = parse(body, metrics_from_json)
    leaves = {s.labels: s.value for s in result.series}
    assert all(s.is_aggregated and not s.points for s in result.series)
    assert result.aggregation is TelemetryAggregation(body["aggregation"])
    assert result.unit == "ms"
    assert leaves == {
        (op, backend): pytest.approx(value * 1000)
        for op, backends in body["metrics"].items()
        for backend, value in backends.items()
    }


def test_upstream_untyped_tree_keeps_every_leaf() -> None:
    result = parse(fixture("getMetrics.upstream"), metrics_from_json)
    assert [s.labels for s in result.series] == [
        ("count", "total"),
        ("count", "pending"),
        ("count", "processing"),
        ("count", "completed"),
        ("count", "failed"),
        ("success_rate", "overall"),
    ]


def test_unknown_enum_values_are_kept_as_strings() -> None:
    result = parse(fixture("getMetrics.unknown_enum"), metrics_from_json)
    assert result.metric_type == "fsync_latency"
    report = parse(fixture("generateReport.unknown_enum"), report_from_json)
    assert isinstance(report.status, str) and not isinstance(report.status, ReportState)


def test_report_id_is_derived_from_the_upstream_report_url() -> None:
    upstream = parse(fixture("generateReport.upstream"), report_from_json)
    assert upstream.report_id == "report_1795861061_-5393351763606346076"
    reference = parse(fixture("generateReport.reference"), report_from_json)
    assert reference.report_id == "report_1795861061_a3f9"
    assert reference.status is ReportState.PENDING
    only_path = {"success": True, "report_path": "/tmp/reports/report_7_x/"}
    assert parse(only_path, report_from_json).report_id == "report_7_x"


def test_config_from_both_dialects() -> None:
    upstream = parse(fixture("getConfig.upstream"), config_from_json)
    reference = parse(fixture("getConfig.reference"), config_from_json)
    assert upstream.config.enabled is None
    assert upstream["config"]["retention_days"] == 30
    assert isinstance(reference.config.enabled, bool)
    shared = ("retention_days", "sampling_interval", "enable_detailed_timing", "operation_hooks")
    for name in shared:
        assert type(upstream.config[name]) is type(reference.config[name])
    updated = parse(fixture("updateConfig.upstream"), config_from_json)
    assert updated.success


def test_unknown_fields_are_kept_and_round_trip_through_to_dict() -> None:
    body = fixture("getRealtimeMetrics.extra_field")
    metrics = realtime(body)
    extra = set(body) - set(api.RealtimeMetrics.__annotations__)
    assert extra
    for key in extra:
        assert key in metrics and metrics[key] == body[key]
        assert metrics.to_dict()[key] == body[key]
    assert json.loads(json.dumps(metrics.to_dict()))["success"] is True


@pytest.mark.parametrize(
    ("status", "name", "error_class", "detail_is_list"),
    [
        (400, "error.upstream_message", BadRequestError, False),
        (404, "error.extra_field", NotFoundError, False),
        (422, "error.reference_validation", UnprocessableEntityError, True),
        (500, "error.upstream_message", InternalServerError, False),
        (409, "error.seed_envelope", APIStatusError, False),
    ],
)
def test_error_bodies_become_typed_errors(
    status: int, name: str, error_class: type[APIError], detail_is_list: bool
) -> None:
    body = fixture(name)
    error = error_from_response(httpx.Response(status, json=body))
    assert type(error) is error_class and isinstance(error, ValueError)
    assert error.status_code == status
    assert isinstance(error.detail, list) is detail_is_list
    expected = body.get("detail", body.get("error"))
    assert error.detail == expected
    if detail_is_list:
        assert "retention_days: Input should be greater than or equal to 1" in str(error)
    else:
        assert expected in str(error)


def test_a_success_false_envelope_is_an_api_error() -> None:
    body = {"success": False, "error": "Telemetry is disabled"}
    with pytest.raises(APIError, match="Telemetry is disabled") as raised:
        parse(body, realtime_from_json)
    assert isinstance(raised.value, ValueError)
    assert raised.value.detail == "Telemetry is disabled"


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "success_rate": {"value": "high"}},
        {"success": True, "latency": {"a:b": {"mean": [1]}}},
        {"success": True, "backend_health": {"json": {"status": 3, "value": 1}}},
        {"success": "yes"},
    ],
)
def test_bodies_of_the_wrong_types_are_validation_errors(body: Any) -> None:
    with pytest.raises(APIResponseValidationError):
        parse(body, realtime_from_json)


def test_series_with_broken_points_are_validation_errors() -> None:
    body = {"success": True, "metrics": {"a": {"b": [[1.0, 2.0], [3.0]]}}}
    with pytest.raises(APIResponseValidationError, match=r"metrics\.a\.b"):
        parse(body, metrics_from_json)
