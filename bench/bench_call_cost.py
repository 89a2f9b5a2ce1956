"""The per-call cost of this tree's SDK next to an earlier revision's, side by side in one run.

Both SDKs call `get_realtime_metrics` (sync and async) against the same reference server on
loopback. The earlier revision is extracted with `git archive` into a temporary folder and put
first on `PYTHONPATH`; every round runs each variant in a fresh process, in ABBA order, and the
figure is the median over rounds of client CPU (`time.process_time`) and wall time per call.
Written to price the whole-call deadline and the bounded body reads against the client before
them (`--base d90df7f`).

A second table, in one process, interleaves the sync client as shipped, the same with its
whole-call deadline switched off (each read keeps httpx's own timeout), and raw
`httpx.Client.get().json()`, in client CPU per call as a ratio to raw httpx (goal: the typed
call at most 1.0x): on a loaded machine it resolves smaller differences than separate
processes do.

Usage: python bench/bench_call_cost.py [--base REV] [--rounds N] [--calls N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from wal_telemetry_server.testing import running_server

ROOT = Path(__file__).resolve().parent.parent
CALLS = """
import asyncio, sys, time
from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
url, kind, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "sync":
    with WALTelemetryClient(url) as client:
        client.get_realtime_metrics()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            client.get_realtime_metrics()
else:
    async def main():
        global cpu, wall
        async with AsyncWALTelemetryClient(url) as client:
            await client.get_realtime_metrics()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(calls):
                await client.get_realtime_metrics()
    asyncio.run(main())
print((time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6)
"""


def extract(revision: str, into: Path) -> Path:
    """The tree of `revision` in a folder of its own."""
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(tree: Path, url: str, kind: str, calls: int) -> tuple[float, float]:
    """Microseconds of client CPU and of wall time per call, in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'generated'}"}
    done = subprocess.run(
        [sys.executable, "-c", CALLS, url, kind, str(calls)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tree,
    )
    cpu, wall = done.stdout.split()
    return float(cpu), float(wall)


def in_process(url: str, rounds: int, calls: int) -> None:
    """Client CPU per call: the shipped client, the same without its deadline, raw httpx."""
    import time

    import httpx

    import wal_telemetry_sdk._sync.deadline as deadline
    from wal_telemetry_sdk import WALTelemetryClient

    bounded = deadline.bounded

    def unbounded(timeout: float | None, error: type[Exception]) -> float | None:
        return timeout

    with WALTelemetryClient(url) as client, httpx.Client(base_url=url) as raw:
        variants = {
            "shipped": (bounded, client.get_realtime_metrics),
            "without the deadline": (unbounded, client.get_realtime_metrics),
            "raw httpx": (bounded, lambda: raw.get("/api/v0/wal/telemetry/realtime").json()),
        }
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, (bound, call) in variants.items():
                deadline.bounded = bound
                started = time.process_time()
                for _ in range(calls):
                    call()
                cpu[name].append((time.process_time() - started) / calls * 1e6)
        deadline.bounded = bounded
    base = statistics.median(cpu["raw httpx"])
    for name, figures in cpu.items():
        median = statistics.median(figures)
        print(f"sync  {name:22} client CPU per call {median:5.0f} us = {median / base:.3f}x raw")
    typed = statistics.median(cpu["shipped"]) / base
    print(f"goal: typed <= 1.0x raw httpx + .json(): {'met' if typed <= 1.0 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="d90df7f", help="the earlier revision")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, running_server(demo=True, seed=42) as server:
        trees = {"before": extract(args.base, Path(scratch)), "now": ROOT}
        for kind in ("sync", "async"):
            figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
            for round_number in range(args.rounds):
                order = list(trees.items())
                for name, tree in order if round_number % 2 else reversed(order):  # ABBA
                    figures[name].append(run(tree, server.url, kind, args.calls))
            cpu = {name: statistics.median(c for c, _ in rows) for name, rows in figures.items()}
            wall = {name: statistics.median(w for _, w in rows) for name, rows in figures.items()}
            print(
                f"{kind:5} get_realtime_metrics: client CPU per call {cpu['now']:.0f} us now vs "
                f"{cpu['before']:.0f} us at {args.base} = {cpu['now'] / cpu['before']:.3f}x; "
                f"wall {wall['now']:.0f} vs {wall['before']:.0f} us = "
                f"{wall['now'] / wall['before']:.3f}x"
            )
        in_process(server.url, args.rounds, args.calls)


if __name__ == "__main__":
    main()
