"""Side-by-side client benchmarks against a reference server started here, on loopback.

1. get_realtime_metrics: the typed SDK client vs raw `httpx.Client` + `.json()` vs a
   `requests.Session` client written like the seed's.
2. The async client with 16 and 64 tasks vs the sync client called sequentially, next to the
   same async client over httpx's stock connection pool (what the O(1) pool replaces).

Start-up (imports and `wal-telemetry --help`) is measured by bench/bench_startup.py.

Every figure is the median of several interleaved rounds. The server is started with
TCP_NODELAY on its listening socket unless `--server-as-shipped` is given: without it the
server's two writes per response (headers, then body) meet the client's delayed ACK and every
keep-alive response waits about 40 ms, which hides every client-side cost.

`--rtt MS` puts the delay proxy (bench/delay_proxy.py) between the clients and the server, so
every call also pays a network round trip (and a new connection one more).

Usage: python bench/bench_client.py [--rounds N] [--calls N] [--server-as-shipped] [--rtt MS]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import requests
from delay_proxy import DelayProxy

from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient

REALTIME = "/api/v0/wal/telemetry/realtime"
READY = re.compile(r"listening on (http://\S+)")
# Runs the server's own entry point, with listening sockets made TCP_NODELAY (see the docstring).
NODELAY_LAUNCHER = """
import socket, sys
import wal_telemetry_server.server as server
shipped_bind = server.bind
def bind(host, port):
    sock = shipped_bind(host, port)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted sockets
    return sock
server.bind = bind
from wal_telemetry_server.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@contextmanager
def reference_server(as_shipped: bool) -> Iterator[str]:
    """A seeded demo server on 127.0.0.1, stopped by its PID when the block ends."""
    folder = tempfile.mkdtemp(prefix="bench-client-")
    entry = ["-m", "wal_telemetry_server"] if as_shipped else ["-c", NODELAY_LAUNCHER]
    args = ["--host", "127.0.0.1", "--port", "0", "--demo", "--seed", "42"]
    args += ["--db", os.path.join(folder, "bench.sqlite3")]
    process = subprocess.Popen(
        [sys.executable, *entry, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        for line in process.stdout:
            if match := READY.search(line):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the reference server did not start")
        else:
            raise RuntimeError("the reference server exited before it was ready")
        yield match.group(1)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


class SeedStyleClient:
    """The seed's requests-based `_request`, reduced to what get_realtime_metrics runs."""

    def __init__(self, base_url: str, timeout: int = 30, verify_ssl: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.verify_ssl = verify_ssl
        self.session = requests.Session()
        self.session.headers.update(
            {"User-Agent": "WALTelemetryClient/1.0", "Accept": "application/json"}
        )

    def get_realtime_metrics(self) -> dict[str, Any]:
        response = self.session.request(
            method="GET",
            url=f"{self.base_url}{REALTIME}",
            params=None,
            data=None,
            json=None,
            files=None,
            timeout=self.timeout,
            verify=self.verify_ssl,
        )
        response.raise_for_status()
        if response.headers.get("Content-Type", "").startswith("application/json"):
            result: dict[str, Any] = response.json()
            if not result.get("success", False):
                raise ValueError(f"API error: {result.get('error', 'Unknown API error')}")
            return result
        raise ValueError("not JSON")


def calls_per_second(call: Callable[[], object], calls: int) -> float:
    call()
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - started)


async def async_calls_per_second(
    call: Callable[[], Awaitable[object]], tasks: int, calls: int
) -> float:
    per_task = max(1, calls // tasks)

    async def worker() -> None:
        for _ in range(per_task):
            await call()

    await call()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return per_task * tasks / (time.perf_counter() - started)


def interleaved_medians(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run every case once per round, in turn, and keep each case's median."""
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, measure in cases.items():
            results[name].append(measure())
    return {name: statistics.median(values) for name, values in results.items()}


def report(title: str, rates: dict[str, float], unit: str, base: str) -> None:
    print(f"\n{title}")
    for name, value in rates.items():
        print(f"  {name:52s} {value:10.1f} {unit}   {value / rates[base]:5.2f}x")


def goal(text: str, ratio: float, target: float) -> None:
    met = ratio >= target
    print(f"  {text:52s} {ratio:5.2f}x  (goal >= {target}x: {'met' if met else 'NOT met'})")


def bench_sync(url: str, rounds: int, calls: int) -> dict[str, float]:
    with WALTelemetryClient(url) as sdk, httpx.Client(base_url=url) as raw:
        seed = SeedStyleClient(url)
        cases = {
            "WALTelemetryClient.get_realtime_metrics (typed)": lambda: calls_per_second(
                sdk.get_realtime_metrics, calls
            ),
            "httpx.Client.get(...).json() (raw)": lambda: calls_per_second(
                lambda: raw.get(REALTIME).json(), calls
            ),
            "requests.Session, seed-style client": lambda: calls_per_second(
                seed.get_realtime_metrics, calls
            ),
        }
        return interleaved_medians(cases, rounds)


def bench_async(url: str, rounds: int, calls: int, sync_rate: float) -> dict[str, float]:
    async def sdk_rate(tasks: int, stock_pool: bool) -> float:
        stock = httpx.AsyncClient() if stock_pool else None
        async with AsyncWALTelemetryClient(url, http_client=stock) as client:
            rate = await async_calls_per_second(client.get_realtime_metrics, tasks, calls)
        if stock is not None:
            await stock.aclose()
        return rate

    cases = {
        f"async client, {tasks} tasks{' over the stock httpx pool' if stock else ''}": (
            lambda tasks=tasks, stock=stock: asyncio.run(sdk_rate(tasks, stock))
        )
        for tasks in (16, 64)
        for stock in (False, True)
    }
    rates = interleaved_medians(cases, rounds)
    return {"sync client, sequential": sync_rate, **rates}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median kept)")
    parser.add_argument("--calls", type=int, default=300, help="calls per measurement")
    parser.add_argument("--server-as-shipped", action="store_true", help="no TCP_NODELAY")
    parser.add_argument("--rtt", type=float, default=0.0, help="added round-trip time, ms")
    options = parser.parse_args()
    if options.rounds < 3:
        parser.error("--rounds must be at least 3")
    if options.rtt < 0:
        parser.error("--rtt must be at least 0")

    with reference_server(options.server_as_shipped) as server_url:
        url, proxy = server_url, None
        if options.rtt:
            proxy = DelayProxy("127.0.0.1", int(server_url.rsplit(":", 1)[1]), options.rtt / 1000)
            url = proxy.start().url
        sync = bench_sync(url, options.rounds, options.calls)
        typed = sync["WALTelemetryClient.get_realtime_metrics (typed)"]
        asynchronous = bench_async(url, options.rounds, options.calls, typed)
        if proxy:
            proxy.stop()

    print(f"reference server: {'as shipped' if options.server_as_shipped else 'TCP_NODELAY'}"
          f", {options.rtt:g} ms added RTT")  # fmt: skip
    print(f"medians of {options.rounds} interleaved rounds of {options.calls} calls")
    report(
        "get_realtime_metrics, sequential", sync, "calls/s", "httpx.Client.get(...).json() (raw)"
    )
    report("async client vs sync sequential", asynchronous, "calls/s", "sync client, sequential")

    print("\ngoals")
    goal("typed vs raw httpx", typed / sync["httpx.Client.get(...).json() (raw)"], 0.85)
    goal(
        "typed vs requests (seed-style)", typed / sync["requests.Session, seed-style client"], 1.25
    )
    goal("async, 64 tasks vs sync sequential", asynchronous["async client, 64 tasks"] / typed, 2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
