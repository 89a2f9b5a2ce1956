"""What a fresh interpreter has imported after running some code: start-up cost checked by the
modules it loads, never by the clock."""

import subprocess
import sys

MARK = "--- modules ---"
# All that the SDK's enums load of the generated package: its two package inits (lazy: they import
# nothing) and the three enum modules; no model, no generated client, no httpx.
GENERATED_ENUMS = frozenset(
    {
        "wal_telemetry_api_client",
        "wal_telemetry_api_client.models",
        "wal_telemetry_api_client.models.report_state",
        "wal_telemetry_api_client.models.telemetry_aggregation",
        "wal_telemetry_api_client.models.telemetry_metric_type",
    }
)


def loaded_after(code: str) -> set[str]:
    """The names in `sys.modules` once `code` has run in a new interpreter."""
    report = f"import sys; print({MARK!r}, *sorted(sys.modules))"
    run = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    )
    return set(run.stdout.rpartition(MARK)[2].split())


def top_level(modules: set[str]) -> set[str]:
    """The top-level packages of `modules`."""
    return {name.split(".")[0] for name in modules}


def generated(modules: set[str]) -> set[str]:
    """The modules of the generated package among `modules`."""
    return {name for name in modules if name.split(".")[0] == "wal_telemetry_api_client"}
