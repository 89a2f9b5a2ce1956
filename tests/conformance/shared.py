"""Loading the language-neutral conformance cases, and comparing results the way both runners do.

The TypeScript runner (`sdks/typescript/test/conformance.test.ts`) implements the same rules:
numbers are equal within a relative 1e-9 (derived rates are sums of floats, and Python 3.12+ sums
floats with compensation where JavaScript adds them in order), booleans only equal booleans, and
objects must have the same keys.
"""

import base64
import json
import math
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "tests" / "conformance" / "cases"
RETRIES_FILE = ROOT / "tests" / "conformance" / "retries.json"
RESPONSES_DIR = ROOT / "tests" / "fixtures" / "responses"
BASE_URL = "http://wal.test"
RELATIVE_TOLERANCE = 1e-9


def load_operations() -> dict[str, dict[str, Any]]:
    """Every operation's cases, by operationId."""
    operations = {}
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        operations[data["operation"]] = data
    return operations


def load_retry_cases() -> list[dict[str, Any]]:
    """The retry-policy cases."""
    cases: list[dict[str, Any]] = json.loads(RETRIES_FILE.read_text())["cases"]
    return cases


def response_content(case: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """The headers and raw body bytes a response case describes."""
    headers = {"content-type": "application/json", **case.get("headers", {})}
    if "body_file" in case:
        return headers, (RESPONSES_DIR / case["body_file"]).read_bytes()
    if "body_text" in case:
        return headers, case["body_text"].encode()
    if "body_base64" in case:
        return headers, base64.b64decode(case["body_base64"])
    return headers, json.dumps(case["body"]).encode()


def first_result_case(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation's first successful response case: what a captured request gets back."""
    return next(case for case in operation["responses"] if "result" in case["expect"])


def snake_case(name: str) -> str:
    """`getRealtimeMetrics` -> `get_realtime_metrics`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def mismatches(actual: Any, expected: Any, where: str = "$") -> list[str]:
    """Where `actual` differs from `expected` (empty when they agree)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
        return [] if same else [f"{where}: {actual!r} != {expected!r}"]
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        scale = max(1.0, abs(expected), abs(actual))
        close = math.isclose(actual, expected, rel_tol=0, abs_tol=RELATIVE_TOLERANCE * scale)
        return [] if close else [f"{where}: {actual!r} != {expected!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = [f"{where}: unexpected key {key!r}" for key in actual.keys() - expected.keys()]
        problems += [f"{where}: missing key {key!r}" for key in expected.keys() - actual.keys()]
        for key in expected.keys() & actual.keys():
            problems += mismatches(actual[key], expected[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list):
        if len(actual) != len(expected):
            return [f"{where}: {len(actual)} items != {len(expected)}"]
        problems = []
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            problems += mismatches(got, want, f"{where}[{index}]")
        return problems
    return [] if actual == expected else [f"{where}: {actual!r} != {expected!r}"]


def parameter_mismatches(actual: dict[str, str], expected: dict[str, Any], where: str) -> list[str]:
    """Query or form parameters (strings) against expected JSON values; numbers compare as numbers.

    Python sends `1795774661.0` where JavaScript sends `1795774661`; servers read both the same.
    """
    problems = [f"{where}: unexpected {key!r}" for key in actual.keys() - expected.keys()]
    problems += [f"{where}: missing {key!r}" for key in expected.keys() - actual.keys()]
    for key in expected.keys() & actual.keys():
        want = expected[key]
        if isinstance(want, int | float) and not isinstance(want, bool):
            try:
                got: Any = float(actual[key])
            except ValueError:
                got = actual[key]
            problems += mismatches(got, want, f"{where}.{key}")
        elif actual[key] != str(want):
            problems.append(f"{where}.{key}: {actual[key]!r} != {want!r}")
    return problems


def plain(value: Any) -> Any:
    """A result as JSON data: `to_dict()` for SDK results, bytes of files as base64."""
    if hasattr(value, "content") and hasattr(value, "content_type"):
        return {
            "content_type": value.content_type,
            "content_base64": base64.b64encode(value.content or b"").decode(),
        }
    return json.loads(json.dumps(value.to_dict()))
