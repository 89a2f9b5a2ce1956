"""`/realtime` and the next chart while hostile clients are in flight, against idle.

Hostile: `--abandoned` big chart requests (20x20 inches) whose clients give up after 2 s, and
`--slow` connections that sent a request line and trickle one header line a second. Idle and
hostile rounds alternate; each round measures `/realtime` p50/p99 over `--requests` sequential
requests, and in hostile rounds also the wait for one 1x1-inch chart asked for right after the
charts were abandoned. With `--before PATH` the same rounds run against the server of another
checkout (its own copy of the database), interleaved with this one, side by side.

    .venv/bin/python bench/bench_hostile_clients.py [--rounds 3] [--before /path/to/checkout]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import RunningServer, running_server
from wal_telemetry_server.workload import seed_history

API = "/api/v0/wal/telemetry"
CHART = API + "/visualization/operation_latency"
PATIENCE = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def realtime_ms(url: str, count: int) -> list[float]:
    """Milliseconds of `count` sequential `/realtime` requests on one connection."""
    out = []
    with httpx.Client(base_url=url, timeout=120) as http:
        http.get(API + "/realtime")
        for _ in range(count):
            started = time.perf_counter()
            response = http.get(API + "/realtime")
            out.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            time.sleep(0.01)
    return out


@contextmanager
def slow_connections(server: RunningServer, count: int) -> Iterator[None]:
    """`count` connections trickling header lines (one a second each) for the block."""
    stop = threading.Event()
    with ExitStack() as stack:
        socks = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", server.port)))
            sock.sendall(f"GET {API}/realtime HTTP/1.1\r\nHost: x\r\n".encode())
            sock.setblocking(False)
            socks.append(sock)

        def trickle() -> None:
            while not stop.wait(1.0):
                for sock in socks:
                    with contextlib.suppress(OSError):  # refused or shed: the server's right
                        sock.send(b"X-Slow: 1\r\n")

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def abandon_charts(url: str, count: int) -> list[threading.Thread]:
    """Start `count` big chart requests whose clients give up after `PATIENCE` seconds."""

    def ask() -> None:
        try:
            params = {"width": 20, "height": 20, "start_time": time.time() - 6 * 3600}
            httpx.get(url + CHART, params=params, timeout=PATIENCE)
        except httpx.HTTPError:
            pass

    threads = [threading.Thread(target=ask, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def next_chart_seconds(url: str) -> float:
    started = time.perf_counter()
    response = httpx.get(url + CHART, params={"width": 1, "height": 1}, timeout=600)
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


def hostile_round(server: RunningServer, args: argparse.Namespace) -> tuple[list[float], float]:
    with slow_connections(server, args.slow):
        threads = abandon_charts(server.url, args.abandoned)
        latencies = realtime_ms(server.url, args.requests)
        for thread in threads:
            thread.join()
        waited = next_chart_seconds(server.url)
    return latencies, waited


def seed(db: Path, hours: float) -> None:
    with TelemetryStore(db) as store:
        seed_history(store, seed=1, end=time.time(), duration=hours * 3600, rate=2.0)


@contextmanager
def server_from(tree: Path | None, db: Path) -> Iterator[RunningServer]:
    """A demo server on `db`, run from the checkout `tree` (None: this one).

    The process starts in `tree` too: `python -m` puts the working folder first on its path.
    """
    saved, cwd = os.environ.get("PYTHONPATH"), Path.cwd()
    if tree is not None:
        os.environ["PYTHONPATH"] = str(tree)
        os.chdir(tree)
    try:
        with running_server(demo=True, db_path=db) as server:
            os.chdir(cwd)
            yield server
    finally:
        os.chdir(cwd)
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200, help="/realtime requests a round")
    parser.add_argument("--abandoned", type=int, default=40)
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--hours", type=float, default=6.0, help="seeded history")
    parser.add_argument("--before", type=Path, default=None, help="checkout of the old server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp, ExitStack() as stack:
        db = Path(tmp) / "after.sqlite3"
        seed(db, args.hours)
        servers = {"this tree": stack.enter_context(server_from(None, db))}
        if args.before is not None:
            shutil.copy(db, Path(tmp) / "before.sqlite3")
            before = stack.enter_context(server_from(args.before, Path(tmp) / "before.sqlite3"))
            servers = {"before": before, **servers}
        idle: dict[str, list[float]] = {name: [] for name in servers}
        busy: dict[str, list[tuple[list[float], float]]] = {name: [] for name in servers}
        for index in range(args.rounds):
            for name, server in servers.items():
                idle_ms = realtime_ms(server.url, args.requests)
                busy_ms, waited = hostile_round(server, args)
                idle[name] += idle_ms
                busy[name].append((busy_ms, waited))
                print(
                    f"round {index + 1} {name}: /realtime p50 idle {percentile(idle_ms, 0.5):.1f}"
                    f" ms, hostile {percentile(busy_ms, 0.5):.1f} ms; p99 idle"
                    f" {percentile(idle_ms, 0.99):.1f} ms, hostile"
                    f" {percentile(busy_ms, 0.99):.1f} ms; next 1x1 chart {waited:.2f} s",
                    flush=True,
                )
        print(f"\n{args.abandoned} abandoned 20x20 charts + {args.slow} slow connections")
        print(f"{'':30}" + "".join(f"{name:>14}" for name in servers))
        rows: dict[str, list[str]] = {}
        for name in servers:
            hostile = [ms for latencies, _ in busy[name] for ms in latencies]
            waits = [w for _, w in busy[name]]
            p50_idle, p99_idle = percentile(idle[name], 0.5), percentile(idle[name], 0.99)
            p50_busy, p99_busy = percentile(hostile, 0.5), percentile(hostile, 0.99)
            figures = {
                "/realtime p50 idle (ms)": f"{p50_idle:.1f}",
                "/realtime p50 hostile (ms)": f"{p50_busy:.1f}",
                "/realtime p50 hostile/idle": f"{p50_busy / p50_idle:.2f}x",
                "/realtime p99 idle (ms)": f"{p99_idle:.1f}",
                "/realtime p99 hostile (ms)": f"{p99_busy:.1f}",
                "/realtime p99 hostile/idle": f"{p99_busy / p99_idle:.2f}x",
                "next 1x1 chart, median (s)": f"{statistics.median(waits):.2f}",
            }
            for label, value in figures.items():
                rows.setdefault(label, []).append(value)
        for label, values in rows.items():
            print(f"{label:30}" + "".join(f"{v:>14}" for v in values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
