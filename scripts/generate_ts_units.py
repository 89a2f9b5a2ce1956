"""Write the TypeScript client's table of metric units from openapi.yaml's `x-unit`.

    python scripts/generate_ts_units.py   # rewrites sdks/typescript/src/generated/units.ts

`make generate` runs it after openapi-typescript (which leaves `x-` extensions out of its
types), and `make check-generated` fails when the committed file differs from a fresh run, so
the TypeScript client converts exactly what the spec declares. Without `x-unit` the table is
empty and every value is handed on as sent.
"""

import json
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "sdks" / "typescript" / "src" / "generated" / "units.ts"


def units(spec: dict[str, Any]) -> dict[str, dict[str, str]]:
    """`{metric_type: {"unit", "sentIn"}}` from `TelemetryMetricType`'s `x-unit`."""
    declared = spec["components"]["schemas"]["TelemetryMetricType"].get("x-unit", {})
    return {
        kind: {"unit": str(unit["unit"]), "sentIn": str(unit["sent-in"])}
        for kind, unit in declared.items()
    }


def render(table: dict[str, dict[str, str]]) -> str:
    body = json.dumps(table, indent=2)
    return (
        "// Generated from openapi.yaml (TelemetryMetricType x-unit) by "
        "scripts/generate_ts_units.py; do not edit.\n\n"
        "/** Each metric type's unit in results (`unit`) and as servers send it (`sentIn`). */\n"
        f"export const METRIC_UNITS: Readonly<Record<string, {{ unit: string; sentIn: string }}>> "
        f"= {body};\n"
    )


def main() -> int:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    TARGET.write_text(render(units(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
