"""Start-up cost, side by side in fresh interpreters: the SDK's client against httpx (imported,
constructed, and making a first call to a reference server started here on loopback), and
`wal-telemetry --help` (and that of the commands offering metric types) against a bare
`python -c pass`.

Every case is timed in wall-clock and in CPU time; on a shared machine the CPU time is the
steadier of the two, and a goal counts as met when both meet it. Imports are timed inside each
interpreter (interpreter start-up left out); whole commands from spawn to exit (their CPU time
from getrusage). httpx imports its own command line (`httpx._main`: click, rich, pygments)
whenever click is installed, as it is with the `[cli]` extra; the "core install" rows hide click
(`sys.modules["click"] = None`), which is what an install without the extra pays.

Every figure is the median of interleaved rounds, after one warm-up round that compiles bytecode
for every module into a temporary cache (an installed wheel has its bytecode; an editable checkout
run with PYTHONDONTWRITEBYTECODE would compile the SDK on every start and httpx never).

Usage: python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench_client import REALTIME, reference_server

CORE_INSTALL = "import sys; sys.modules['click'] = None"
CLIENT = "from wal_telemetry_sdk import WALTelemetryClient"
SEED_LINE = "  ..., TelemetryMetricType (the seed's import line)"
IMPORTS = {
    "import httpx (with its CLI: click, rich)": ("", "import httpx"),
    "from wal_telemetry_sdk import WALTelemetryClient": ("", CLIENT),
    SEED_LINE: ("", f"{CLIENT}, TelemetryMetricType"),
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


class Cost(NamedTuple):
    """Milliseconds of wall-clock time and of CPU time (less disturbed by a busy machine)."""

    wall: float
    cpu: float


def import_cost(setup: str, statement: str) -> Cost:
    """What `statement` costs in a fresh interpreter, timed inside it after `setup`."""
    code = f"{setup}\nimport time; w, c = time.perf_counter(), time.process_time(); {statement}\n"
    code += "print(time.perf_counter() - w, time.process_time() - c)"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=CHILD_ENV
    )
    wall, cpu = run.stdout.split()[-2:]
    return Cost(float(wall) * 1000, float(cpu) * 1000)


def command_cost(command: list[str]) -> Cost:
    """What `command` costs from spawn to exit: wall-clock time and the child's CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=CHILD_ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Cost(wall * 1000, cpu * 1000)


def cli_command() -> list[str]:
    """The installed `wal-telemetry` script beside this interpreter, else `python -m`."""
    script = Path(sys.executable).with_name("wal-telemetry")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wal_telemetry_sdk.cli"]


def interleaved_medians(cases: dict[str, Callable[[], Cost]], rounds: int) -> dict[str, Cost]:
    """Run every case once (warm-up), then once per round, in turn; keep each case's medians."""
    for measure in cases.values():
        measure()
    results: dict[str, list[Cost]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, measure in cases.items():
            results[name].append(measure())
    return {
        name: Cost(*(statistics.median(values) for values in zip(*costs, strict=True)))
        for name, costs in results.items()
    }


def row(name: str, cost: Cost, note: str = "") -> None:
    print(f"  {name:52s} {cost.wall:7.1f} {cost.cpu:7.1f}{note}")


def goal(text: str, value: Cost, target: float, unit: str) -> None:
    met = "met" if max(value) <= target else "NOT met"
    figures = f"{value.wall:.2f}{unit} wall, {value.cpu:.2f}{unit} CPU"
    print(f"  {text:46s} {figures:28s} (goal <= {target:g}{unit}: {met})")


def ratio(over: Cost, under: Cost) -> Cost:
    return Cost(over.wall / under.wall, over.cpu / under.cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (median kept)")
    options = parser.parse_args()
    if options.rounds < 3:
        parser.error("--rounds must be at least 3")

    cli = cli_command()
    cases: dict[str, Callable[[], Cost]] = {
        name: (lambda s=setup, st=statement: import_cost(s, st))
        for name, (setup, statement) in IMPORTS.items()
    }
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "wal-telemetry --help": [*cli, "--help"],
    }
    # The commands whose choices come from the generated enums.
    for name in ("metrics", "timeseries", "chart"):
        commands[f"wal-telemetry {name} --help"] = [*cli, name, "--help"]
    for name, command in commands.items():
        cases[name] = lambda c=command: command_cost(c)
    with (
        tempfile.TemporaryDirectory(prefix="bench-startup-") as bytecode,
        reference_server(as_shipped=False) as url,  # TCP_NODELAY, as in bench_client.py
    ):
        CHILD_ENV["PYTHONPYCACHEPREFIX"] = bytecode
        for name, statement in FIRST_CALLS.items():
            code = statement.format(url=url)
            cases[name] = lambda st=code: import_cost("", st)
        medians = interleaved_medians(cases, options.rounds)

    print(f"medians of {options.rounds} interleaved rounds, each in a fresh interpreter")
    print(f"\n  {'timed inside the interpreter':52s} {'wall ms':>7s} {'CPU ms':>7s}")
    for name in [*IMPORTS, *FIRST_CALLS]:
        row(name, medians[name])
    print(f"\n  {'whole command, spawn to exit':52s} {'wall ms':>7s} {'CPU ms':>7s}")
    for name in commands:
        extra = medians[name].wall - medians["python -c pass"].wall
        row(name, medians[name], f"  (+{extra:.1f} ms wall over python -c pass)")

    print("\ngoals")
    httpx_full = medians["import httpx (with its CLI: click, rich)"]
    httpx_core = medians["import httpx (core install)"]
    goal("client import vs import httpx", ratio(medians[CLIENT], httpx_full), GOAL_IMPORT, "x")
    goal("  the seed's import line", ratio(medians[SEED_LINE], httpx_full), GOAL_IMPORT, "x")
    core = medians["from wal_telemetry_sdk import ... (core install)"]
    goal("  the same, core install", ratio(core, httpx_core), GOAL_IMPORT, "x")
    for name in list(commands)[1:]:
        goal(name, medians[name], GOAL_HELP_MS, " ms")
    first = ratio(*(medians[name] for name in reversed(FIRST_CALLS)))
    print(f"  {'first reading: SDK vs httpx':46s} {first.wall:.2f}x wall, {first.cpu:.2f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
