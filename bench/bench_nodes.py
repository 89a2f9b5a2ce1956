"""`get_realtime_metrics` of 16 nodes through a 20 ms round trip: sync sequential, 16 threads
with a sync client each, and `asyncio.gather` over 16 async clients, side by side in one run.

What a user with 16 nodes sees: 16 distinct hosts and ports, so 16 connections. Here each node
is a port of its own: `--servers` reference-server processes (4 by default; 16 would not fit
two cores) each behind `16 / servers` delay proxies (bench/delay_proxy.py, one process each)
adding `--rtt`. Every
client is warmed up first, so each sweep reuses kept-alive connections; a round times `--sweeps`
sweeps of all nodes per mode, modes interleaved, and the figure is the median over rounds. The
ratios divide the sequential time by each mode's (the limit is the node count).

Usage: python bench/bench_nodes.py [--nodes 16] [--servers 4] [--rtt 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
from wal_telemetry_server.testing import running_server

PROXY = Path(__file__).resolve().parent / "delay_proxy.py"
READY = re.compile(r"delaying (http://\S+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=16)
    parser.add_argument("--servers", type=int, default=4, help="reference-server processes")
    parser.add_argument("--rtt", type=float, default=20.0, help="round-trip time per node, ms")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median kept)")
    parser.add_argument("--sweeps", type=int, default=10, help="sweeps of all nodes per round")
    options = parser.parse_args()
    if not 1 <= options.servers <= options.nodes:
        parser.error("--servers must be between 1 and --nodes")

    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(running_server()) for _ in range(options.servers)]
        targets = [servers[node % len(servers)].url for node in range(options.nodes)]
        urls = [stack.enter_context(delay_proxy(target, options.rtt)) for target in targets]
        seconds = measure(urls, options.rounds, options.sweeps)

    sequential = seconds["sync, sequential"]
    print(f"{options.nodes} nodes ({options.servers} reference servers), {options.rtt:g} ms RTT,")
    print(f"medians of {options.rounds} interleaved rounds of {options.sweeps} sweeps")
    for name, value in seconds.items():
        per_sweep = value / options.sweeps * 1000
        print(f"  {name:36} {per_sweep:7.1f} ms per sweep   {sequential / value:5.2f}x")
    gathered, threads = seconds["async, gather over 16 clients"], seconds["sync, 16 threads"]
    print(f"  async vs threads {threads / gathered:.2f}x (above 1: async is quicker)")
    met = sequential / gathered >= 12 and gathered <= threads
    verdict = "met" if met else "NOT met"
    print(f"goal: async >= 12x sequential and at least as fast as threads: {verdict}")
    return 0


@contextlib.contextmanager
def delay_proxy(target: str, rtt: float) -> Iterator[str]:
    """A delay proxy in a process of its own (its event loop must not take this process's GIL
    from the clients measured here), stopped by its PID; its URL."""
    host_port = target.removeprefix("http://")
    process = subprocess.Popen(
        [sys.executable, str(PROXY), "--target", host_port, "--rtt", str(rtt)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = READY.search(process.stdout.readline())
        if ready is None:
            raise RuntimeError("the delay proxy did not start")
        yield ready.group(1)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(10)


def measure(urls: list[str], rounds: int, sweeps: int) -> dict[str, float]:
    """Seconds for `sweeps` sweeps of every node, per mode: the median of `rounds` rounds."""
    sync_clients = [WALTelemetryClient(url) for url in urls]
    loop = asyncio.new_event_loop()
    async_clients = [AsyncWALTelemetryClient(url) for url in urls]
    threads = ThreadPoolExecutor(max_workers=len(urls))

    def sequential() -> None:
        for client in sync_clients:
            client.get_realtime_metrics()

    def threaded() -> None:
        list(threads.map(lambda client: client.get_realtime_metrics(), sync_clients))

    async def gather() -> None:
        await asyncio.gather(*(client.get_realtime_metrics() for client in async_clients))

    modes: dict[str, Callable[[], None]] = {
        "sync, sequential": sequential,
        "sync, 16 threads": threaded,
        "async, gather over 16 clients": lambda: loop.run_until_complete(gather()),
    }
    try:
        for sweep in modes.values():  # connect every client first
            sweep()
        samples: dict[str, list[float]] = {name: [] for name in modes}
        for _ in range(rounds):
            for name, sweep in modes.items():
                started = time.perf_counter()
                for _ in range(sweeps):
                    sweep()
                samples[name].append(time.perf_counter() - started)
        return {name: statistics.median(values) for name, values in samples.items()}
    finally:
        threads.shutdown()
        for client in sync_clients:
            client.close()
        for async_client in async_clients:
            loop.run_until_complete(async_client.close())
        loop.close()


if __name__ == "__main__":
    sys.exit(main())
