"""Units: the table matches openapi.yaml's `x-unit`, and results say their unit to people."""

from pathlib import Path

import pytest
import yaml

from wal_telemetry_sdk import TelemetryMetricType
from wal_telemetry_sdk.models import MetricsBucket, MetricSeries, MetricsOverTime, MetricsResult
from wal_telemetry_sdk.timeseries import TimeSeries
from wal_telemetry_sdk.units import UNITS, axis_label, formatted, shown, unit_of

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
T0 = 1_795_861_052.0


def declared_units() -> dict[str, dict[str, str]]:
    spec = yaml.safe_load(SPEC.read_text())
    units: dict[str, dict[str, str]] = spec["components"]["schemas"]["TelemetryMetricType"][
        "x-unit"
    ]
    return units


def test_every_metric_type_has_the_unit_the_spec_declares() -> None:
    declared = declared_units()
    assert set(declared) == {member.value for member in TelemetryMetricType} == set(UNITS)
    for name, unit in UNITS.items():
        assert (unit.symbol, unit.sent_in) == (declared[name]["unit"], declared[name]["sent-in"])
    assert UNITS["operation_latency"].factor == 1000.0  # s -> ms
    assert all(u.factor == 1.0 for u in UNITS.values() if u.symbol == u.sent_in)


@pytest.mark.parametrize(
    ("metric_type", "value", "text"),
    [
        ("operation_latency", 2524.6389, "2,524.64 ms"),
        ("success_rate", 0.995, "99.50%"),
        ("error_rate", 0.0, "0.00%"),
        ("operation_count", 1204.0, "1,204 operations"),
        ("operation_count", 12.5, "12.50 operations"),
        ("throughput", 12.5, "12.50 ops/s"),
        ("retry_count", 3.0, "3 retries"),
        ("fsync_latency", 1.5, "1.50"),
        ("operation_latency", None, "-"),
    ],
)
def test_values_are_formatted_with_their_unit(metric_type: str, value: float, text: str) -> None:
    assert formatted(metric_type, value) == text


def test_rates_are_shown_as_percentages_and_labelled_so() -> None:
    assert shown("success_rate", 0.5) == 50.0 and shown("operation_latency", 0.5) == 0.5
    assert axis_label(TelemetryMetricType.SUCCESS_RATE) == "success rate (%)"
    assert axis_label("operation_latency") == "latency (ms)"
    assert axis_label("throughput") == "throughput (ops/s)"
    assert unit_of("fsync_latency") is None and axis_label("fsync_latency") == "fsync_latency"


def over_time() -> MetricsOverTime:
    buckets = [
        MetricsBucket(
            T0 + i * 60,
            T0 + (i + 1) * 60,
            T0 + i * 60 + 30,
            {"append": {"json": 12.5 + i}},
            [MetricSeries(("append", "json"), value=12.5 + i)],
        )
        for i in range(3)
    ]
    result = MetricsOverTime(TelemetryMetricType.OPERATION_LATENCY, T0, T0 + 180, 60)
    return result.filled(buckets, source="timeseries")


def test_metrics_over_time_converts_to_pandas_directly_with_its_unit() -> None:
    pytest.importorskip("pandas")
    result = over_time()
    frame = result.to_pandas()
    assert result.unit == "ms" and frame.attrs["unit"] == "ms"
    assert frame.columns.name == "operation_latency (ms)"
    assert list(frame["append:json"]) == [12.5, 13.5, 14.5]
    assert frame.equals(result.series.to_pandas())


def test_results_render_as_html_tables_naming_their_unit() -> None:
    page = over_time()._repr_html_()
    assert page.startswith("<table>") and "latency (ms)" in page
    assert page.count("<tr>") == 4 and "12.50 ms" in page
    metrics = MetricsResult(
        True,
        "get_telemetry",
        T0,
        "success_rate",
        None,
        {"append": {"json": [[T0, 0.995]]}},
        [MetricSeries(("append", "json"), [[T0, 0.995]])],
    )
    page = metrics._repr_html_()
    assert "<th>value: success rate (%)</th>" in page and "99.50%" in page
    assert metrics.unit == "ratio"


def test_a_time_series_knows_its_unit() -> None:
    assert TimeSeries(metric_type="operation_latency").unit == "ms"
    assert TimeSeries(metric_type="queue_size").unit == "operations"
    assert TimeSeries().unit is None


def test_realtime_metrics_render_as_a_table_with_units() -> None:
    from tests.client.test_dialects import fixture, realtime

    page = realtime(fixture("getRealtimeMetrics.reference"))._repr_html_()
    assert "<td>latency average</td><td>12.00 ms</td>" in page
    assert "<td>success rate</td><td>99.50%</td>" in page
    assert "ops/s" in page
