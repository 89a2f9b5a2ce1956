"""`make spec-diff`: scripted edits of openapi.yaml, breaking ones flagged and additive ones not.

The edits are made to a copy of the committed spec (`git show HEAD:openapi.yaml`), never to the
working tree's file; `make spec-diff BASE=HEAD SPEC=<copy>` compares them. Smaller documents
check single rules of `scripts/spec_diff.py` directly.
"""

import copy
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from .shared import ROOT


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_diff", ROOT / "scripts" / "spec_diff.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_diff"] = module
    spec.loader.exec_module(module)
    return module


spec_diff = _load_checker()


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    text = subprocess.run(
        ["git", "show", "HEAD:openapi.yaml"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def make_spec_diff(document: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`make spec-diff BASE=HEAD SPEC=<document>` (the venv is taken as it is, never rebuilt)."""
    edited = tmp_path / "openapi.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    command = ["make", "-s", "-o", ".venv/.installed", "spec-diff", "BASE=HEAD", f"SPEC={edited}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_removing_an_enum_value_is_flagged(committed: dict[str, Any], tmp_path: Path) -> None:
    edited = copy.deepcopy(committed)
    edited["components"]["schemas"]["TelemetryMetricType"]["enum"].remove("retry_count")
    result = make_spec_diff(edited, tmp_path)
    assert result.returncode != 0, result.stdout
    assert "enum values removed" in result.stdout
    assert "retry_count" in result.stdout
    assert "without a new major version" in result.stdout


def test_a_new_optional_response_field_is_not_flagged(
    committed: dict[str, Any], tmp_path: Path
) -> None:
    edited = copy.deepcopy(committed)
    properties = edited["components"]["schemas"]["ConfigResponse"]["properties"]
    properties["restart_required"] = {"type": "boolean"}
    result = make_spec_diff(edited, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Breaking changes: 0" in result.stdout
    assert "field 'restart_required' added" in result.stdout


def test_a_breaking_change_with_a_new_major_version_passes(
    committed: dict[str, Any], tmp_path: Path
) -> None:
    edited = copy.deepcopy(committed)
    edited["components"]["schemas"]["TelemetryMetricType"]["enum"].remove("retry_count")
    edited["info"]["version"] = f"{spec_diff.major(committed) + 1}.0.0"
    result = make_spec_diff(edited, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "enum values removed" in result.stdout


def test_the_committed_spec_has_no_changes_against_itself(committed: dict[str, Any]) -> None:
    report = spec_diff.Differ(committed, copy.deepcopy(committed)).run()
    assert (report.breaking, report.non_breaking) == ([], [])


def _document(operation: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "info": {"version": "1.0.0"},
        "paths": {"/things": {"get": {"operationId": "getThings", **operation}}},
        "components": {"schemas": schemas or {}},
    }


def _response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], list[str]]:
    report = spec_diff.Differ(before, after).run()
    return report.breaking, report.non_breaking


def test_renamed_operation_and_required_parameter_are_breaking() -> None:
    parameter = {"name": "q", "in": "query", "schema": {"type": "string"}}
    before = _document({"parameters": [parameter]})
    after = _document({"parameters": [{**parameter, "required": True}]})
    after["paths"]["/things"]["get"]["operationId"] = "listThings"
    breaking, _ = _changes(before, after)
    assert any("operationId renamed" in line for line in breaking)
    assert any("'q': became required" in line for line in breaking)


def test_removed_response_field_and_narrowed_type_are_breaking() -> None:
    before = _document(
        _response({"type": "object", "properties": {"a": {"type": "number"}, "b": {}}})
    )
    after = _document(_response({"type": "object", "properties": {"a": {"type": "integer"}}}))
    breaking, _ = _changes(before, after)
    assert any("field 'b' removed" in line for line in breaking)
    assert any(".a: type narrowed" in line for line in breaking)


def test_an_open_enum_spelled_differently_is_no_change() -> None:
    field = {"type": "object", "properties": {"state": {"type": "string"}}}
    opened = {
        "type": "object",
        "properties": {
            "state": {"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "string"}]}
        },
    }
    before = _document(_response(field))
    after = _document(_response(opened), {"S": {"type": "string", "enum": ["on", "off"]}})
    breaking, non_breaking = _changes(before, after)
    assert breaking == []
    assert non_breaking == ["schema S: added"]
