"""The coverage tables: every operation of openapi.yaml in every layer, every helper in both
languages, and the README up to date.

A missing cell fails its test.
"""

import importlib.util
import sys
from types import ModuleType

import pytest

from .shared import ROOT


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "coverage_table.py"
    spec = importlib.util.spec_from_file_location("coverage_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_table"] = module
    spec.loader.exec_module(module)
    return module


coverage_table = _load_script()
ROWS = {row["Operation"]: row for row in coverage_table.rows()}


def _cells() -> list[object]:
    params = []
    for operation_id, _, _ in coverage_table.operations():
        label = next(name for name in ROWS if name.startswith(f"`{operation_id}`"))
        for column in coverage_table.COLUMNS:
            params.append(pytest.param(label, column, id=f"{operation_id}-{column}"))
    return params


def test_the_table_lists_every_operation_of_the_spec() -> None:
    assert len(ROWS) == len(coverage_table.operations()) > 0


@pytest.mark.parametrize(("operation", "column"), _cells())
def test_every_operation_is_covered_in_every_column(operation: str, column: str) -> None:
    assert ROWS[operation][column], f"{operation} has no {column}"


HELPERS = coverage_table.helper_rows()


@pytest.mark.parametrize(
    ("helper", "column"),
    [
        pytest.param(row["Helper"], column, id=f"{row['Helper']}-{column}")
        for row in HELPERS
        for column in coverage_table.HELPER_COLUMNS
    ],
)
def test_every_helper_is_covered_in_both_languages(helper: str, column: str) -> None:
    row = next(row for row in HELPERS if row["Helper"] == helper)
    assert row[column], f"{helper} has no {column}"


def test_the_helper_check_sees_a_missing_typescript_export() -> None:
    assert coverage_table.typescript_helper("index", "NoSuchHelper", None) is None
    assert coverage_table.typescript_helper("index", "WALTelemetryClient", "noSuchMethod") is None
    assert coverage_table.python_helper("", "WALTelemetryClient.no_such_method") is None


def test_readme_table_is_up_to_date() -> None:
    assert coverage_table.main(["--check-readme"]) == 0, "run `make coverage-table`"
