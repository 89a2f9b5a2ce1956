"""Start-up cost, side by side in fresh interpreters: the SDK's client against httpx (imported,
constructed, and making a first call to a reference server started here on loopback), and
`wal-telemetry --help` against a bare `python -c pass`.

Imports are timed inside each interpreter (interpreter start-up left out). httpx imports its own
command line (`httpx._main`: click, rich, pygments) whenever click is installed, as it is with the
`[cli]` extra; the "core install" rows hide click (`sys.modules["click"] = None`), which is what
an install without the extra pays. Whole commands are timed from spawn to exit. Every figure is
the median of interleaved rounds, after one warm-up round that compiles bytecode for every module
into a temporary cache (an installed wheel has its bytecode; an editable checkout run with
PYTHONDONTWRITEBYTECODE would compile the SDK on every start and httpx never).

Usage: python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_client import REALTIME, reference_server

CORE_INSTALL = "import sys; sys.modules['click'] = None"
CLIENT = "from wal_telemetry_sdk import WALTelemetryClient"
IMPORTS = {
    "import httpx (with its CLI: click, rich)": ("", "import httpx"),
    "from wal_telemetry_sdk import WALTelemetryClient": ("", CLIENT),
    "  ..., TelemetryMetricType (the generated enums)": ("", f"{CLIENT}, TelemetryMetricType"),
    "import httpx; httpx.Client()": ("", "import httpx; httpx.Client()"),
    "  ... and WALTelemetryClient()": ("", f"{CLIENT}; WALTelemetryClient()"),
    "import httpx (core install)": (CORE_INSTALL, "import httpx"),
    "from wal_telemetry_sdk import ... (core install)": (CORE_INSTALL, CLIENT),
    "import httpx; httpx.Client() (core install)": (CORE_INSTALL, "import httpx; httpx.Client()"),
    "  ... and WALTelemetryClient() (core install)": (
        CORE_INSTALL,
        f"{CLIENT}; WALTelemetryClient()",
    ),
}
# A script's whole job: one real-time reading; {url} is the reference server's.
FIRST_CALLS = {
    "import httpx; httpx.get(...).json()": f"import httpx; httpx.get('{{url}}{REALTIME}').json()",
    "WALTelemetryClient(...).get_realtime_metrics()": (
        f"{CLIENT}; WALTelemetryClient('{{url}}').get_realtime_metrics()"
    ),
}
GOAL_IMPORT = 1.15  # the client's import, at most this many times httpx's
GOAL_HELP_MS = 150.0
# Children write and read bytecode in a cache of their own (see the docstring).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def import_ms(setup: str, statement: str) -> float:
    """Milliseconds `statement` takes in a fresh interpreter, timed inside it after `setup`."""
    code = f"{setup}\nimport time; t = time.perf_counter(); {statement}\n"
    code += "print(time.perf_counter() - t)"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=CHILD_ENV
    )
    return float(run.stdout) * 1000


def command_ms(command: list[str]) -> float:
    """Milliseconds from spawning `command` to its exit."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=CHILD_ENV)
    return (time.perf_counter() - started) * 1000


def cli_command() -> list[str]:
    """The installed `wal-telemetry` script beside this interpreter, else `python -m`."""
    script = Path(sys.executable).with_name("wal-telemetry")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wal_telemetry_sdk.cli"]


def interleaved_medians(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run every case once (warm-up), then once per round, in turn; keep each case's median."""
    for measure in cases.values():
        measure()
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, measure in cases.items():
            results[name].append(measure())
    return {name: statistics.median(values) for name, values in results.items()}


def goal(text: str, value: float, target: float, unit: str) -> None:
    met = "met" if value <= target else "NOT met"
    print(f"  {text:52s} {value:7.2f}{unit}  (goal <= {target:g}{unit}: {met})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (median kept)")
    options = parser.parse_args()
    if options.rounds < 3:
        parser.error("--rounds must be at least 3")

    cli = cli_command()
    CHILD_ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="bench-startup-")
    cases: dict[str, Callable[[], float]] = {
        name: (lambda s=setup, st=statement: import_ms(s, st))
        for name, (setup, statement) in IMPORTS.items()
    }
    cases["python -c pass"] = lambda: command_ms([sys.executable, "-c", "pass"])
    cases["wal-telemetry --help"] = lambda: command_ms([*cli, "--help"])
    cases["wal-telemetry metrics --help"] = lambda: command_ms([*cli, "metrics", "--help"])
    with reference_server(as_shipped=False) as url:  # TCP_NODELAY, as in bench_client.py
        for name, statement in FIRST_CALLS.items():
            code = statement.format(url=url)
            cases[name] = lambda st=code: import_ms("", st)
        medians = interleaved_medians(cases, options.rounds)

    print(f"medians of {options.rounds} interleaved rounds, each in a fresh interpreter")
    print("\nimport time, timed inside the interpreter")
    for name in [*IMPORTS, *FIRST_CALLS]:
        print(f"  {name:52s} {medians[name]:7.1f} ms")
    print("\nwhole command, spawn to exit")
    for name in ("python -c pass", "wal-telemetry --help", "wal-telemetry metrics --help"):
        extra = medians[name] - medians["python -c pass"]
        print(f"  {name:52s} {medians[name]:7.1f} ms  (+{extra:.1f} ms over python -c pass)")

    print("\ngoals")
    full = medians[CLIENT] / medians["import httpx (with its CLI: click, rich)"]
    core = medians["from wal_telemetry_sdk import ... (core install)"]
    core /= medians["import httpx (core install)"]
    goal("client import vs import httpx", full, GOAL_IMPORT, "x")
    goal("client import vs import httpx (core install)", core, GOAL_IMPORT, "x")
    first = [medians[name] for name in FIRST_CALLS]
    print(f"  {'first reading: SDK vs httpx':52s} {first[1] / first[0]:7.2f}x")
    goal("wal-telemetry --help", medians["wal-telemetry --help"], GOAL_HELP_MS, " ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
