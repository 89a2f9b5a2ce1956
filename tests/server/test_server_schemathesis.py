"""Contract fuzzing with schemathesis against a live server: every operation, 0 failures."""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import ROOT, seeded_database

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "content_type_conformance",
    ]
)
MAX_EXAMPLES = 100


def operations() -> dict[str, tuple[str, bool]]:
    """operationId -> (`METHOD path`, whether the operation takes any input), from the spec."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    found = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            takes_input = bool(op.get("parameters") or op.get("requestBody"))
            found[op["operationId"]] = (f"{method.upper()} {path}", takes_input)
    return found


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A demo server of its own (the fuzzer changes settings), seeded with two hours of history."""
    db = seeded_database(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")
    with running_server(demo=True, db_path=db) as server:
        yield server


@pytest.mark.slow
@pytest.mark.parametrize("operation_id", sorted(operations()))
def test_schemathesis_finds_no_failures(
    fuzzed_server: RunningServer, tmp_path: Path, operation_id: str
) -> None:
    """One schemathesis run per operation, so each gets its full budget of generated cases."""
    calls = tmp_path / "calls.log"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("st_hooks.py")),
        "WAL_ST_CALL_LOG": str(calls),
    }
    cli = Path(sys.executable).with_name("schemathesis")
    command = [
        str(cli), "run", str(ROOT / "openapi.yaml"),
        "--url", fuzzed_server.url,
        "--include-operation-id", operation_id,
        "--checks", CHECKS,
        "--max-examples", str(MAX_EXAMPLES),
        "--phases", "examples,coverage,fuzzing",
        "--mode", "all",
        "--seed", "20261128",
        "--workers", "2",
        "--generation-database", "none",
        "--request-timeout", "60",
        "--no-color",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    summary = re.search(r"Test cases:\s+(\d+) generated, (\d+) passed\n", output)
    assert summary and summary.group(1) == summary.group(2), output[-4000:]

    label, takes_input = operations()[operation_id]
    counts = collections.Counter(calls.read_text().splitlines())
    assert set(counts) == {label}
    # An operation without parameters has one possible request; the others get >= 100 cases.
    assert counts[label] >= (MAX_EXAMPLES if takes_input else 1), counts
