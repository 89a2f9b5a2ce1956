"""Alert rules: parsing, firing and resolving over scripted ticks, field lookup."""

from types import SimpleNamespace

import pytest

from wal_telemetry_sdk import models
from wal_telemetry_sdk.alerts import (
    ANY_KEY,
    OPERATORS,
    REALTIME_FIELDS,
    AlertEvaluator,
    AlertRule,
    check_rules,
    format_number,
    lookup,
    metric_type_of,
)
from wal_telemetry_sdk.units import unit_of


def realtime(p95: float | None = None, success: float | None = None) -> dict:
    """A realtime body in the reference server's shape, with the two fields rules watch."""
    return {
        "success": True,
        "operation_latency": {"average": 12.0, "percentile_95": p95},
        "success_rate": {"value": success},
    }


def run(evaluator: AlertEvaluator, ticks: list[dict]) -> list[tuple[int, str, float]]:
    return [
        (event.iteration, event.state, event.value)
        for iteration, metrics in enumerate(ticks)
        for event in evaluator.evaluate(metrics, iteration)
    ]


@pytest.mark.parametrize(
    ("text", "field", "op", "threshold", "for_ticks"),
    [
        ("operation_latency.percentile_95 > 500", "operation_latency.percentile_95", ">", 500, 1),
        ("success_rate.value < 0.99 for 3", "success_rate.value", "<", 0.99, 3),
        ("queue_size.value>=1e3 for=2", "queue_size.value", ">=", 1000, 2),
        ("  error_rate.value != 0 for 4 ticks ", "error_rate.value", "!=", 0, 4),
        ("retry_count.value <= -1.5", "retry_count.value", "<=", -1.5, 1),
    ],
)
def test_parse(text, field, op, threshold, for_ticks):
    rule = AlertRule.parse(text, hysteresis=2)
    assert (rule.field, rule.op, rule.threshold, rule.for_ticks) == (
        field,
        op,
        threshold,
        for_ticks,
    )
    assert rule.hysteresis == 2 and rule.name == " ".join(text.split())


@pytest.mark.parametrize("text", ["a => 5", "a = 5", "a > high", "a > 5 for x", "> 5", "", "a 5"])
def test_parse_rejects_bad_rules_naming_the_operators(text):
    with pytest.raises(ValueError) as caught:
        AlertRule.parse(text)
    assert all(op in str(caught.value) for op in OPERATORS)


def test_rule_fields_are_validated():
    with pytest.raises(ValueError, match=">="):
        AlertRule("a", "=~", 1)
    with pytest.raises(ValueError):
        AlertRule("a", ">", 1, for_ticks=0)
    with pytest.raises(ValueError):
        AlertRule("a", ">", 1, hysteresis=-1)


def test_fires_after_for_ticks_and_resolves_past_the_hysteresis():
    rule = AlertRule.parse(
        "operation_latency.percentile_95 > 500 for 3", hysteresis=50, clear_ticks=2
    )
    delivered = []
    evaluator = AlertEvaluator([rule], on_event=delivered.append)
    values = [100, 600, 700, 800, 900, 480, 460, 440, 430, 420]
    events = run(evaluator, [realtime(p95=v) for v in values])

    # 600, 700, 800 breach: fires on the third; 480 and 460 are under 500 but not under 450;
    # 440 and 430 are two healthy ticks: resolves on the second.
    assert events == [(3, "firing", 800.0), (8, "resolved", 430.0)]
    assert [(e.iteration, e.state) for e in delivered] == [(3, "firing"), (8, "resolved")]
    assert delivered[0].rule is rule and delivered[0].timestamp > 0
    assert evaluator.firing == []


def test_an_interrupted_breach_starts_counting_again():
    evaluator = AlertEvaluator(["operation_latency.percentile_95 > 500 for 3"])
    values = [600, 600, 100, 600, 600, 100, 600, 600, 600]
    assert run(evaluator, [realtime(p95=v) for v in values]) == [(8, "firing", 600.0)]
    assert [r.field for r in evaluator.firing] == ["operation_latency.percentile_95"]


def test_below_threshold_rule_with_hysteresis():
    evaluator = AlertEvaluator([AlertRule("success_rate.value", "<", 0.99, hysteresis=0.005)])
    values = [0.999, 0.98, 0.992, 0.994, 0.995, 0.97]
    events = run(evaluator, [realtime(success=v) for v in values])
    assert events == [(1, "firing", 0.98), (4, "resolved", 0.995), (5, "firing", 0.97)]


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("==", [(1, "firing"), (2, "resolved")]),
        ("!=", [(0, "firing"), (1, "resolved"), (2, "firing")]),
    ],
)
def test_equality_rules(op, expected):
    evaluator = AlertEvaluator([AlertRule("queue_size.value", op, 0)])
    events = run(evaluator, [{"queue_size": {"value": v}} for v in [3, 0, 2]])
    assert [(i, state) for i, state, _ in events] == expected


def test_missing_or_none_is_no_data_and_changes_nothing():
    evaluator = AlertEvaluator([AlertRule.parse("operation_latency.percentile_95 > 500 for 2")])
    ticks = [
        realtime(p95=600),
        {},
        realtime(p95=None),
        realtime(p95=650),
        {"operation_latency": None},
    ]
    assert run(evaluator, ticks) == [(3, "firing", 650.0)]
    assert evaluator.evaluate({}, 5) == [] and len(evaluator.firing) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("operation_latency.p95 > 5", "unknown field 'operation_latency.p95'"),
        ("throughput.valu > 0", "unknown field 'throughput.valu'"),
        ("latency>5", "'latency' is not a number"),
        ("operation_latency > 5", "'operation_latency' is not a number"),
        ("success_rate.by_key < 1", "'success_rate.by_key' is not a number"),
        ("backend_health.ipfs.status > 0", "'backend_health.ipfs.status' is not a number"),
        ("latency..mean > 1", "unknown field 'latency..mean'"),
    ],
)
def test_a_rule_on_a_field_that_is_not_a_number_of_the_result_fails_before_any_tick(text, problem):
    with pytest.raises(ValueError) as caught:
        AlertEvaluator([text])
    message = str(caught.value)
    assert f"alert rule {' '.join(text.split())!r}: {problem};" in message
    assert "operation_latency.percentile_95" in message and "success_rate.value" in message


@pytest.mark.parametrize(
    "text",
    [
        "operation_latency.percentile_95 > 500",
        "success_rate.by_key.append:json < 0.9",
        "backend_health.ipfs.value < 1",
        "latency.cat:ipfs.percentile_95 > 0.5",
        "status_distribution.failure > 10",
    ],
)
def test_rules_on_numbers_of_the_result_and_its_maps_are_accepted(text):
    assert check_rules([text])[0].name == text


def test_the_valid_fields_are_every_number_of_the_realtime_model():
    numbers = {"average", "median", "minimum", "maximum", "percentile_95", "percentile_99"}
    assert {f"operation_latency.{name}" for name in numbers} <= set(REALTIME_FIELDS)
    assert "operation_latency.count" in REALTIME_FIELDS
    assert f"success_rate.by_key.{ANY_KEY}" in REALTIME_FIELDS
    assert not {"success", "operation", "backend_health.*.status", "extra"} & set(REALTIME_FIELDS)
    # Every field is a number on a result whose maps have one key, "k".
    summary = models.ValueSummary(value=1.0, by_key={"k": 2.0})
    metrics = models.RealtimeMetrics(
        success=True,
        operation="get_realtime_telemetry",
        timestamp=1.0,
        window_seconds=60.0,
        operation_latency=models.LatencySummary(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7),
        success_rate=summary,
        error_rate=summary,
        throughput=summary,
        operation_count=summary,
        queue_size=summary,
        retry_count=summary,
        backend_health={"k": models.BackendHealth("online", 1.0)},
        latency={"k": models.LatencyStats(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)},
        status_distribution={"k": 3.0},
    )
    for field in REALTIME_FIELDS:
        value = lookup(metrics, field.replace(ANY_KEY, "k"))
        assert isinstance(value, int | float) and not isinstance(value, bool), field


def test_fields_none_skips_the_field_check_for_other_values():
    evaluator = AlertEvaluator(["n > 1"], fields=None)
    assert [e.state for e in evaluator.evaluate({"n": 2}, 0)] == ["firing"]
    with pytest.raises(TypeError, match="'n'"):
        evaluator.evaluate({"n": "two"}, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2524.64, "2,524.64"),
        (2500.0, "2,500"),
        (0.99, "0.99"),
        (0.0001234, "0.0001234"),
        (45.1234567, "45.1235"),
        (-0.0, "0"),
        (1e-9, "0.000000001"),
        (123456789.123, "123,456,789"),
    ],
)
def test_format_number_never_uses_an_exponent(value, text):
    assert format_number(value) == text


def test_alert_messages_format_value_and_threshold_alike():
    evaluator = AlertEvaluator(["operation_latency.percentile_95 > 2.5e3"])
    (event,) = evaluator.evaluate(realtime(p95=2524.64), 0)
    assert event.message == (
        "FIRING operation_latency.percentile_95 > 2.5e3: value 2,524.64, threshold > 2,500"
    )


class Subscriptable:
    """A model that answers `obj["key"]` like the SDK's typed results."""

    def __init__(self, **fields):
        self._fields = fields

    def __getitem__(self, key):
        return self._fields[key]


def test_lookup_through_mappings_subscripts_and_attributes():
    data = {"a": Subscriptable(b=SimpleNamespace(c=3.5))}
    assert lookup(data, "a.b.c") == 3.5
    assert lookup(data, "a.missing.c") is None
    assert lookup(SimpleNamespace(x={"y": 1}), "x.y") == 1
    assert lookup({"latency": {"cat:ipfs": {"mean": 0.02}}}, "latency.cat:ipfs.mean") == 0.02
    assert lookup([1, 2], "a") is None


def test_every_realtime_field_has_the_unit_of_what_it_counts_or_measures() -> None:
    kinds = {field: metric_type_of(field) for field in REALTIME_FIELDS}
    assert kinds["operation_latency.percentile_95"] == "operation_latency"
    assert kinds["latency.*.median"] == "operation_latency"
    assert kinds["operation_latency.count"] == "operation_count"
    assert kinds["latency.*.count"] == "operation_count"
    assert kinds["success_rate.by_key.*"] == "success_rate"
    measured = [f for f in REALTIME_FIELDS if not f.startswith(("timestamp", "window", "status"))]
    assert all(unit_of(kinds[field]) is not None for field in measured), kinds
