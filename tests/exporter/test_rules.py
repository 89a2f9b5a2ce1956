"""SDK alert rules as Prometheus rules: units, ticks, validity (promtool), and the shipped files."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from wal_telemetry_sdk.alerts import AlertEvaluator, AlertRule
from wal_telemetry_sdk.exporter.families import FIELDS, field_query
from wal_telemetry_sdk.exporter.rules import alert_name, prometheus_rules, read_rule_lines

ROOT = Path(__file__).resolve().parents[2]
INTEGRATIONS = ROOT / "integrations"


def promtool(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("promtool is missing: `make prometheus` installs Debian's prometheus package")
    return subprocess.run([tool, *map(str, arguments)], capture_output=True, text=True, timeout=60)


def test_thresholds_are_converted_to_the_family_unit_and_ticks_to_durations() -> None:
    text = prometheus_rules(
        [
            "operation_latency.percentile_95 > 500 for 3",
            "throughput.value < 0.5",
            AlertRule("success_rate.by_key.add:ipfs", "<", 0.99, clear_ticks=4),
        ],
        interval=10,
    )
    group = yaml.safe_load(text)["groups"][0]
    assert group["interval"] == "10s"
    latency, throughput, success = group["rules"]
    assert latency["alert"] == "WALOperationLatencyPercentile95High"
    assert latency["expr"] == "wal_overall_latency_seconds_p95 > 0.5"
    assert latency["for"] == "20s"
    assert throughput["expr"] == "wal_overall_operations_per_minute < 30"
    assert "for" not in throughput
    assert (
        success["expr"] == 'wal_operation_success_rate{operation_type="add",backend="ipfs"} < 0.99'
    )
    assert success["keep_firing_for"] == "30s"
    assert "success_rate.by_key.add:ipfs < 0.99" in success["annotations"]["summary"]


def test_every_field_with_a_family_exports_a_rule_promtool_accepts(tmp_path: Path) -> None:
    examples = {"<operation>:<backend>": "add:ipfs", "<status>": "pending", "<backend>": "s3"}
    fields = []
    for field in FIELDS:
        for placeholder, example in examples.items():
            field = field.replace(placeholder, example)
        fields.append(field)
    rules = [f"{field} >= 1 for 2" for field in fields] + [f"{fields[0]} != 2"]
    path = tmp_path / "rules.yml"
    path.write_text(prometheus_rules(rules))
    checked = promtool("check", "rules", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules)} rules found" in checked.stdout


@pytest.mark.parametrize(
    ("rule", "values"),
    [
        (AlertRule.parse("operation_latency.percentile_95 > 500 for 3"),
         [600, 600, 400, 600, 600, 600, 600, 400, 600]),
        (AlertRule("operation_latency.percentile_95", ">", 500, for_ticks=2, clear_ticks=3),
         [600, 600, 600, 400, 400, 600, 400, 400, 400, 400]),
        (AlertRule.parse("success_rate.value <= 0.9"), [1.0, 0.9, 0.95, 0.5, 1.0]),
        (AlertRule.parse("throughput.value < 1 for 2"), [2, 0.5, 0.5, 0.5, 3, 0.2, 0.1]),
    ],
    ids=["for-3", "for-2-clear-3", "rate", "throughput"],
)  # fmt: skip
def test_prometheus_fires_and_resolves_on_the_same_ticks_as_the_sdk(
    tmp_path: Path, rule: AlertRule, values: list[float]
) -> None:
    """promtool evaluates the exported rule on the values the SDK evaluator saw, tick by tick."""
    evaluator = AlertEvaluator([rule])
    firing = []
    for tick, value in enumerate(values):
        evaluator.evaluate(_metrics_with(rule.field, value), tick)
        firing.append(bool(evaluator.firing))
    assert any(firing) and not all(firing)  # each case fires and also stays quiet at times

    document = yaml.safe_load(prometheus_rules([rule], interval=15))
    for exported in document["groups"][0]["rules"]:
        del exported["annotations"]  # templated text; the labels say which alert fired
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(document))
    query = field_query(rule.field)
    series = (
        f'{query.promql()[:-1]},instance="n"}}'
        if query.matchers
        else f'{query.promql()}{{instance="n"}}'
    )
    labels = {"severity": "warning", "instance": "n", **dict(query.matchers)}
    test = {
        "rule_files": ["rules.yml"],
        "evaluation_interval": "15s",
        "tests": [
            {
                "interval": "15s",
                "input_series": [
                    {"series": series, "values": " ".join(repr(v * query.scale) for v in values)}
                ],
                "alert_rule_test": [
                    {
                        "eval_time": f"{tick * 15}s",
                        "alertname": alert_name(rule),
                        "exp_alerts": [{"exp_labels": labels}] if fires else [],
                    }
                    for tick, fires in enumerate(firing)
                ],
            }
        ],
    }
    (tmp_path / "test.yml").write_text(yaml.safe_dump(test))
    tested = promtool("test", "rules", tmp_path / "test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def _metrics_with(path: str, value: float) -> dict[str, Any]:
    data: dict[str, Any] = {}
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return data


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("operation_latency.p95 > 5", "has no Prometheus family; use one of operation_latency"),
        ("operation_latency.count > 5", "has no Prometheus family"),
        ("latency.add.mean > 5", "has no Prometheus family"),
        ("success_rate.value < inf", "finite"),
        (AlertRule("success_rate.value", "<", 0.9, hysteresis=0.01), "hysteresis"),
    ],
)
def test_rules_without_a_prometheus_equivalent_are_refused(
    rule: AlertRule | str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        prometheus_rules([rule])


def test_shipped_rules_are_a_fresh_export_of_the_sdk_rules() -> None:
    rules = read_rule_lines((INTEGRATIONS / "alert-rules.txt").read_text())
    assert len(rules) >= 4
    shipped = (INTEGRATIONS / "prometheus" / "wal-telemetry-alerts.yml").read_text()
    assert shipped == prometheus_rules(rules), "run `make integrations` and commit"


def test_shipped_prometheus_files_pass_promtool() -> None:
    folder = INTEGRATIONS / "prometheus"
    rules = promtool("check", "rules", *sorted(folder.glob("wal-telemetry-*.yml")))
    assert rules.returncode == 0, rules.stdout + rules.stderr
    config = promtool("check", "config", folder / "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
