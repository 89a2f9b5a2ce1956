"""Arguments are checked before anything is sent; mistakes are ValueErrors naming the choices.

Every client here points at an address where nothing listens, so a request that did go out would
fail with APIConnectionError (not a ValueError) and the test would fail.
"""

from datetime import UTC, datetime
from typing import Any

import pytest

from wal_telemetry_sdk import (
    APIConnectionError,
    TelemetryAggregation,
    TelemetryMetricType,
    WALTelemetryClient,
)
from wal_telemetry_sdk._arguments import metrics_query, time_range, visualization_query
from wal_telemetry_sdk.enums import coerce_enum


@pytest.fixture
def client(unreachable_url: str) -> Any:
    with WALTelemetryClient(unreachable_url, max_retries=0, timeout=2) as client:
        yield client


def test_the_check_itself_sees_requests(client: WALTelemetryClient) -> None:
    with pytest.raises(APIConnectionError):
        client.get_metrics(metric_type="operation_latency")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.get_metrics(metric_type="latency"), "Must be one of: backend_health,"),
        (lambda c: c.get_metrics(aggregation="mean"), "Must be one of: average, count,"),
        (lambda c: c.get_visualization("fsync"), "Invalid metric_type 'fsync'"),
        (lambda c: c.get_metrics_over_time("throughput", interval="month"), "hour, day, week"),
        (lambda c: c.get_metrics_over_time("nope"), "Invalid metric_type"),
        (lambda c: c.get_metrics(time_range=(20, 10)), "end_time .* is before start_time"),
        (lambda c: c.get_metrics(time_range=("yesterday", 10)), "start_time must be a Unix"),
        (lambda c: c.get_metrics(time_range=(1, float("nan"))), "end_time must be a Unix"),
        (lambda c: c.get_metrics(time_range=(1, True)), "end_time must be a Unix"),
        (lambda c: c.get_metrics(time_range=5), r"\(start_time, end_time\) pair"),
        (lambda c: c.get_metrics(time_range=(1, 2, 3)), r"\(start_time, end_time\) pair"),
        (lambda c: c.generate_report(start_time=10, end_time=5), "before start_time"),
        (lambda c: c.generate_report(start_time="now"), "start_time must be a Unix"),
        (lambda c: c.generate_report(min_success_rate=99), "min_success_rate must be .* 0 to 1"),
        (lambda c: c.generate_report(max_latency_p95_ms=-1), "max_latency_p95_ms must be .* >= 0"),
        (lambda c: c.generate_report(max_queue_size="many"), "max_queue_size must be a number"),
        (lambda c: c.begin_generate_report(max_queue_size=float("inf")), "max_queue_size must"),
        (lambda c: c.get_metrics_over_time("throughput", start_time=9, end_time=1), "before"),
        (lambda c: c.get_visualization("throughput", width=0), "width must be a whole number"),
        (lambda c: c.get_visualization("throughput", height=8.5), "height must be a whole"),
        (lambda c: c.update_config(retention_days=0), "retention_days must be a whole number"),
        (lambda c: c.update_config(sampling_interval="60"), "sampling_interval must be"),
        (lambda c: c.update_config(enabled="yes"), "enabled must be True or False"),
        (lambda c: c.update_config(metrics_path=""), "metrics_path must be a string"),
        (lambda c: c.get_metrics(operation_type=""), "operation_type must be a non-empty"),
        (lambda c: c.get_report_file("../etc", "passwd"), "Invalid report_id"),
        (lambda c: c.monitor_realtime(print, interval=0), "interval must be positive"),
    ],
)
def test_invalid_arguments_raise_value_error_before_any_request(
    client: WALTelemetryClient, call: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        call(client)
    assert not isinstance(raised.value, APIConnectionError)


def test_enums_are_the_seeds_with_its_members() -> None:
    assert {m.name for m in TelemetryMetricType} == {
        "OPERATION_COUNT",
        "OPERATION_LATENCY",
        "SUCCESS_RATE",
        "ERROR_RATE",
        "BACKEND_HEALTH",
        "THROUGHPUT",
        "QUEUE_SIZE",
        "RETRY_COUNT",
    }
    assert {m.name for m in TelemetryAggregation} == {
        "SUM",
        "AVERAGE",
        "MINIMUM",
        "MAXIMUM",
        "PERCENTILE_95",
        "PERCENTILE_99",
        "COUNT",
        "RATE",
    }
    assert TelemetryMetricType.THROUGHPUT == "throughput"


@pytest.mark.parametrize(
    "value",
    [TelemetryAggregation.PERCENTILE_95, "percentile_95", "PERCENTILE_95", " Percentile_95"],
)
def test_members_and_strings_in_any_case_are_accepted(value: Any) -> None:
    member = coerce_enum(value, TelemetryAggregation, "aggregation")
    assert member is TelemetryAggregation.PERCENTILE_95


def test_queries_carry_members_and_unix_seconds() -> None:
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    end = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
    window = time_range((start, end))
    assert window == (start.timestamp(), end.timestamp())
    query = metrics_query("Operation_Latency", "append", None, "success", window, "sum")
    assert query == {
        "metric_type": TelemetryMetricType.OPERATION_LATENCY,
        "operation_type": "append",
        "status": "success",
        "start_time": start.timestamp(),
        "end_time": end.timestamp(),
        "aggregation": TelemetryAggregation.SUM,
    }
    chart = visualization_query("throughput", None, "json", None, None, 12, 8)
    assert chart == {
        "metric_type": TelemetryMetricType.THROUGHPUT,
        "backend": "json",
        "width": 12,
        "height": 8,
    }
