"""Which layer covers each operation of openapi.yaml, as a Markdown table.

    python scripts/coverage_table.py                  # print the table
    python scripts/coverage_table.py --check          # exit 1 when any cell is missing
    python scripts/coverage_table.py --write-readme   # put it between the README's markers
    python scripts/coverage_table.py --check-readme   # exit 1 when the README's copy is stale

Columns, per operationId: the generated Python function (openapi-python-client), the Python
SDK method (`WALTelemetryClient`, and whether `AsyncWALTelemetryClient` has it too), the
generated TypeScript operation type (openapi-typescript), the TypeScript client method (from
`OPERATION_METHODS` in `sdks/typescript/src/client.ts`, checked to be defined), and the shared
conformance cases (`tests/conformance/cases/<operationId>.json`).
"""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
PY_GENERATED = ROOT / "generated" / "wal_telemetry_api_client" / "api"
TS_GENERATED = ROOT / "sdks" / "typescript" / "src" / "generated" / "openapi.ts"
TS_CLIENT = ROOT / "sdks" / "typescript" / "src" / "client.ts"
CASES = ROOT / "tests" / "conformance" / "cases"
METHODS = ("get", "put", "post", "delete", "patch")
COLUMNS = (
    "Python generated",
    "Python SDK method",
    "TypeScript generated",
    "TypeScript method",
    "Conformance cases",
)
MISSING = "**missing**"
PREFIX = "/api/v0/wal/telemetry"

Row = dict[str, str | None]


def operations() -> list[tuple[str, str, str]]:
    """`(operationId, METHOD, path)` for every operation, in spec order."""
    spec: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                found.append((item[method]["operationId"], method.upper(), path))
    return found


def snake_case(name: str) -> str:
    """`getRealtimeMetrics` -> `get_realtime_metrics`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def python_generated(operation_id: str) -> str | None:
    for module in sorted(PY_GENERATED.glob(f"*/{snake_case(operation_id)}.py")):
        if "def sync_detailed(" in module.read_text():
            return f"`api.{module.parent.name}.{module.stem}`"
    return None


def python_sdk_method(operation_id: str) -> str | None:
    sys.path.insert(0, str(ROOT))
    from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient

    name = snake_case(operation_id)
    if not callable(getattr(WALTelemetryClient, name, None)):
        return None
    if callable(getattr(AsyncWALTelemetryClient, name, None)):
        return f"`{name}()` (+ async)"
    return f"`{name}()` (sync only)"


def typescript_generated(operation_id: str) -> str | None:
    text = TS_GENERATED.read_text()
    block = text[text.index("export interface operations {") :]
    if re.search(rf"^    {re.escape(operation_id)}: \{{$", block, re.MULTILINE):
        return f'`operations["{operation_id}"]`'
    return None


def typescript_method(operation_id: str) -> str | None:
    text = TS_CLIENT.read_text()
    table = re.search(r"OPERATION_METHODS = \{(.*?)\}", text, re.DOTALL)
    mapping = dict(re.findall(r'(\w+): "(\w+)"', table.group(1))) if table else {}
    method = mapping.get(operation_id)
    if method and re.search(rf"^  async {method}\(", text, re.MULTILINE):
        return f"`{method}()`"
    return None


def conformance_cases(operation_id: str) -> str | None:
    path = CASES / f"{operation_id}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    requests, responses = len(data.get("requests", [])), len(data.get("responses", []))
    if not requests or not responses:
        return None
    return f"{_count(requests, 'request')}, {_count(responses, 'response')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def rows() -> list[Row]:
    """One row per operation; a None cell is a missing column."""
    table = []
    for operation_id, method, path in operations():
        table.append(
            {
                "Operation": f"`{operation_id}` ({method} `{path.removeprefix(PREFIX)}`)",
                "Python generated": python_generated(operation_id),
                "Python SDK method": python_sdk_method(operation_id),
                "TypeScript generated": typescript_generated(operation_id),
                "TypeScript method": typescript_method(operation_id),
                "Conformance cases": conformance_cases(operation_id),
            }
        )
    return table


def render(table: list[Row]) -> str:
    """The table as Markdown, a missing cell in bold."""
    header = ("Operation", *COLUMNS)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table:
        lines.append("| " + " | ".join(row[column] or MISSING for column in header) + " |")
    return "\n".join(lines)


def missing(table: list[Row]) -> list[str]:
    """`operation: column` for every missing cell."""
    return [
        f"{row['Operation']}: {column}" for row in table for column in COLUMNS if not row[column]
    ]


def readme_block(markdown: str) -> str:
    return f"{START}\n{markdown}\n{END}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail when a cell is missing")
    group.add_argument("--write-readme", action="store_true", help="update README.md")
    group.add_argument("--check-readme", action="store_true", help="fail when README is stale")
    options = parser.parse_args(argv)
    table = rows()
    markdown = render(table)
    readme = README.read_text()
    if options.write_readme or options.check_readme:
        if START not in readme or END not in readme:
            print(f"README.md has no {START} ... {END} markers")
            return 1
        before, rest = readme.split(START, 1)
        _, after = rest.split(END, 1)
        updated = before + readme_block(markdown) + after
        if options.check_readme:
            if updated != readme:
                print("README.md's coverage table is stale; run `make coverage-table`")
                return 1
            return 0
        README.write_text(updated)
        return 0
    print(markdown)
    if options.check and missing(table):
        print("\n".join(["", "Missing:", *missing(table)]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
