"""Which layer covers each operation of openapi.yaml, and each helper, as Markdown tables.

    python scripts/coverage_table.py                  # print the table
    python scripts/coverage_table.py --check          # exit 1 when any cell is missing
    python scripts/coverage_table.py --write-readme   # put it between the README's markers
    python scripts/coverage_table.py --check-readme   # exit 1 when the README's copy is stale

Columns, per operationId: the generated Python function (openapi-python-client), the Python
SDK method (`WALTelemetryClient`, and whether `AsyncWALTelemetryClient` has it too), the
generated TypeScript operation type (openapi-typescript), the TypeScript client method (from
`OPERATION_METHODS` in `sdks/typescript/src/client.ts`, checked to be defined), and the shared
conformance cases (`tests/conformance/cases/<operationId>.json`).

The helpers table has one row per helper built on the operations: the Python name (checked to
exist), the TypeScript name (checked to be exported by the entry point it names), and the shared
cases in `tests/conformance/helpers/` that both SDKs run; where a feature cannot exist in one
language, or has no shared cases, the cell says why.
"""

import argparse
import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
HELPERS_START, HELPERS_END = "<!-- helpers:start -->", "<!-- helpers:end -->"
HELPER_CASES = ROOT / "tests" / "conformance" / "helpers"
TS_SOURCE = ROOT / "sdks" / "typescript" / "src"
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


# (helper, Python (module, "" for the package; dotted name), TypeScript (entry point, class or
#  function, member), shared cases (file, sections) or why there are none)
HelperSpec = tuple[str, tuple[str, str] | str, tuple[str, str, str | None] | str, Any]
HELPERS: tuple[HelperSpec, ...] = (
    (
        "Monitoring: drift-free, through errors",
        ("", "WALTelemetryClient.monitor_realtime"),
        ("index", "WALTelemetryClient", "monitorRealtime"),
        "none (timing): live tests in each language",
    ),
    (
        "Real-time iterator",
        ("", "WALTelemetryClient.iter_realtime"),
        ("index", "WALTelemetryClient", "iterRealtime"),
        "none (timing): live tests in each language",
    ),
    (
        "Alert rules: syntax, field checks, evaluation, messages",
        ("alerts", "AlertEvaluator"),
        ("index", "AlertEvaluator", None),
        ("alerts", ("parse", "fields", "evaluate", "format", "messages")),
    ),
    (
        "Metrics over time: bucket planning and fetching",
        ("", "WALTelemetryClient.get_metrics_over_time"),
        ("index", "WALTelemetryClient", "getMetricsOverTime"),
        ("over_time", ("plan", "fetch")),
    ),
    (
        "Report poller with progress",
        ("", "WALTelemetryClient.begin_generate_report"),
        ("index", "WALTelemetryClient", "beginGenerateReport"),
        ("report_poller", ("cases",)),
    ),
    (
        "Report download, all or nothing",
        ("", "WALTelemetryClient.download_report"),
        ("node", "WALTelemetryClient", "downloadReport"),
        "none (files): live tests in each language",
    ),
    (
        "TimeSeries: trend, rate of change, resample, anomalies",
        ("timeseries", "TimeSeries"),
        ("index", "TimeSeries", None),
        ("timeseries", ("cases",)),
    ),
    (
        "Client-drawn charts",
        ("charts", "render_chart"),
        "not in TypeScript: drawing needs a plotting library; `getVisualization()` fetches the "
        "server's chart",
        "none: a Python-only feature",
    ),
    (
        "pandas DataFrames",
        ("timeseries", "TimeSeries.to_pandas"),
        "not in TypeScript (no pandas): `TimeSeries.toDict()` gives the same columns",
        "none: a Python-only feature",
    ),
)
HELPER_COLUMNS = ("Python", "TypeScript", "Shared cases")


def python_helper(module: str, name: str) -> str | None:
    sys.path.insert(0, str(ROOT))
    import importlib

    value: Any = importlib.import_module(".".join(filter(None, ["wal_telemetry_sdk", module])))
    for part in name.split("."):
        value = getattr(value, part, None)
    if value is None:
        return None
    return f"`{name}`" if inspect.isclass(value) else f"`{name.split('.')[-1]}()`"


def typescript_helper(entry: str, name: str, member: str | None) -> str | None:
    """The export, checked to be exported by name by the entry point and defined."""
    entry_text = (TS_SOURCE / f"{entry}.ts").read_text()
    exported = re.search(rf"^\s+{re.escape(name)},$", entry_text, re.MULTILINE) or re.search(
        rf"^export (?:async )?(?:class|function) {re.escape(name)}\b", entry_text, re.MULTILINE
    )
    if not exported:
        return None
    if member is None:
        return f"`{name}`"
    sources = "".join(path.read_text() for path in sorted(TS_SOURCE.glob("*.ts")))
    if not re.search(rf"^  (?:override )?(?:async )?{re.escape(member)}\(", sources, re.MULTILINE):
        return None
    where = "" if entry == "index" else f" (`./{entry}` entry point)"
    return f"`{member}()`{where}"


def helper_cases(name: str, sections: tuple[str, ...]) -> str | None:
    path = HELPER_CASES / f"{name}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    count = sum(len(data.get(section, [])) for section in sections)
    return f"`helpers/{name}.json`: {_count(count, 'case')}" if count else None


def helper_rows() -> list[Row]:
    """One row per helper; a None cell is a missing column."""
    table = []
    for feature, python, typescript, cases in HELPERS:
        table.append(
            {
                "Helper": feature,
                "Python": python if isinstance(python, str) else python_helper(*python),
                "TypeScript": (
                    typescript if isinstance(typescript, str) else typescript_helper(*typescript)
                ),
                "Shared cases": cases if isinstance(cases, str) else helper_cases(*cases),
            }
        )
    return table


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


def render(table: list[Row], header: tuple[str, ...] = ("Operation", *COLUMNS)) -> str:
    """The table as Markdown, a missing cell in bold."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table:
        lines.append("| " + " | ".join(row[column] or MISSING for column in header) + " |")
    return "\n".join(lines)


def missing(
    table: list[Row], key: str = "Operation", columns: tuple[str, ...] = COLUMNS
) -> list[str]:
    """`row: column` for every missing cell."""
    return [f"{row[key]}: {column}" for row in table for column in columns if not row[column]]


def replace_block(readme: str, start: str, end: str, markdown: str) -> str:
    """The README with the text between `start` and `end` replaced by `markdown`."""
    before, rest = readme.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{markdown}\n{end}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail when a cell is missing")
    group.add_argument("--write-readme", action="store_true", help="update README.md")
    group.add_argument("--check-readme", action="store_true", help="fail when README is stale")
    options = parser.parse_args(argv)
    table, helpers = rows(), helper_rows()
    markdown = render(table)
    helpers_markdown = render(helpers, ("Helper", *HELPER_COLUMNS))
    readme = README.read_text()
    if options.write_readme or options.check_readme:
        for marker in (START, END, HELPERS_START, HELPERS_END):
            if marker not in readme:
                print(f"README.md has no {marker} marker")
                return 1
        updated = replace_block(readme, START, END, markdown)
        updated = replace_block(updated, HELPERS_START, HELPERS_END, helpers_markdown)
        if options.check_readme:
            if updated != readme:
                print("README.md's coverage tables are stale; run `make coverage-table`")
                return 1
            return 0
        README.write_text(updated)
        return 0
    print(markdown + "\n\n" + helpers_markdown)
    gaps = missing(table) + missing(helpers, "Helper", HELPER_COLUMNS)
    if options.check and gaps:
        print("\n".join(["", "Missing:", *gaps]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
