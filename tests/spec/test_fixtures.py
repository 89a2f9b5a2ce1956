"""Both server dialects, and bodies from newer servers, validate and parse with generated models."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from wal_telemetry_api_client import models

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "responses").glob("*.json"))
COMPONENTS = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]

# operationId (the fixture's name prefix) -> the component schema of its 200 body.
SCHEMA_OF = {
    "getMetrics": "MetricsResponse",
    "getRealtimeMetrics": "RealtimeMetrics",
    "generateReport": "ReportResponse",
    "getReportStatus": "ReportStatus",
    "getConfig": "ConfigResponse",
    "updateConfig": "ConfigResponse",
    "getTimeSeries": "TimeSeriesResponse",
    "error": "ErrorBody",
}


def schema_and_body(path: Path) -> tuple[str, Any]:
    return SCHEMA_OF[path.name.split(".", 1)[0]], json.loads(path.read_text())


def test_every_operation_has_fixtures_of_each_kind() -> None:
    kinds = {path.name.split(".")[1] for path in FIXTURES}
    assert {"reference", "upstream", "unknown_enum", "extra_field"} <= kinds
    assert {path.name.split(".", 1)[0] for path in FIXTURES} == set(SCHEMA_OF)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_conforms_to_the_spec(path: Path) -> None:
    schema_name, body = schema_and_body(path)
    validator = Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": COMPONENTS}
    )
    errors = [error.message for error in validator.iter_errors(body)]
    assert errors == []


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_parses_with_generated_model_and_keeps_unknown_keys(path: Path) -> None:
    schema_name, body = schema_and_body(path)
    parsed = getattr(models, schema_name).from_dict(body)
    round_trip = parsed.to_dict()
    for key in body:
        assert key in round_trip, key
    if path.name.split(".")[1] == "extra_field":
        extra = set(body) - set(COMPONENTS["schemas"][schema_name]["properties"])
        assert extra and extra <= set(parsed.additional_properties)


def test_unknown_enum_values_are_kept_as_strings() -> None:
    body = json.loads((ROOT / "tests/fixtures/responses/getMetrics.unknown_enum.json").read_text())
    parsed = models.MetricsResponse.from_dict(body)
    assert parsed.metric_type == "fsync_latency"
    assert not isinstance(parsed.metric_type, models.TelemetryMetricType)
    known = models.MetricsResponse.from_dict({**body, "metric_type": "throughput"})
    assert known.metric_type is models.TelemetryMetricType.THROUGHPUT


@pytest.mark.parametrize(
    "leaf", ["fast", [[1.0, "slow"]], [[1.0, 2.0, 3.0]], {"deeper": [[1.0]]}, [1.0, 2.0]]
)
def test_metrics_tree_leaves_other_than_series_or_numbers_are_refused(leaf: Any) -> None:
    validator = Draft202012Validator(
        {"$ref": "#/components/schemas/MetricsResponse", "components": COMPONENTS}
    )
    body = {"success": True, "metrics": {"append": {"json": leaf}}}
    assert list(validator.iter_errors(body)), leaf
    assert not list(validator.iter_errors({**body, "metrics": {"append": {"json": 1.5}}}))
