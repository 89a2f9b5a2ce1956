"""Reference server throughput over a million stored operations, report time, and chart isolation.

Seeds a database with ~1M operation samples (24 h of simulated WAL traffic, written in one
transaction), starts the server on it with the live workload running, then measures:
- requests/s of `/realtime` and `/metrics` (raw series, aggregated, aggregated over all 24 h)
  with 4 concurrent clients;
- the time to write a 24 h report (POST, then poll its status until complete);
- `/realtime` latency while charts are being rendered, against the same latency when idle;
- 4 clients querying for 30 s while the workload writes: errors must be 0.
Every figure is the median of `--runs` runs.

    .venv/bin/python bench/bench_server.py [--samples 1000000] [--runs 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import RunningServer, running_server
from wal_telemetry_server.workload import seed_history

API = "/api/v0/wal/telemetry"
DAY = 86_400.0
SAMPLES_PER_OPERATION = 2.0  # each simulated operation is preceded by its WAL append


def seed(db: Path, samples: int) -> tuple[int, float]:
    """Write about `samples` operation samples covering the last 24 h; returns count and seconds."""
    rate = samples / SAMPLES_PER_OPERATION / DAY
    started = time.perf_counter()
    with TelemetryStore(db) as store:
        written = seed_history(store, seed=1, end=time.time(), duration=DAY, rate=rate)
    return written, time.perf_counter() - started


def throughput(url: str, path: str, params: Callable[[], dict[str, Any]], seconds: float) -> float:
    """Requests per second of 4 clients hammering one query for `seconds`."""
    counts = [0] * 4
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with httpx.Client(base_url=url + API, timeout=120) as http:
            while time.perf_counter() < deadline:
                response = http.get(path, params=params())
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")
                counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} errors, first: {errors[0]}")
    return sum(counts) / (time.perf_counter() - started)


def report_seconds(url: str) -> float:
    """Seconds from POST /report (last 24 h) until its status is complete."""
    with httpx.Client(base_url=url + API, timeout=120) as http:
        started = time.perf_counter()
        report_id = http.post("/report").json()["report_id"]
        while (status := http.get(f"/reports/{report_id}").json())["status"] != "complete":
            if status["status"] == "failed":
                raise RuntimeError(status)
            time.sleep(0.05)
        return time.perf_counter() - started


def realtime_latencies(url: str, seconds: float) -> list[float]:
    """Milliseconds per sequential `/realtime` request during `seconds`."""
    latencies = []
    with httpx.Client(base_url=url + API, timeout=60) as http:
        http.get("/realtime")
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            assert http.get("/realtime").status_code == 200
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    return latencies


def realtime_while_rendering(url: str, seconds: float) -> tuple[float, float, int]:
    """Median `/realtime` ms while 2 clients keep asking for 12x8 charts, and charts rendered."""
    stop = threading.Event()
    charts = [0]

    def render() -> None:
        with httpx.Client(base_url=url + API, timeout=120) as http:
            while not stop.is_set():
                response = http.get(
                    "/visualization/operation_latency", params={"start_time": time.time() - 3600}
                )
                assert response.status_code == 200
                charts[0] += 1

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    try:
        latencies = realtime_latencies(url, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return statistics.median(latencies), percentile95(latencies), charts[0]


def percentile95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def concurrency(url: str, seconds: float) -> tuple[int, int]:
    """4 clients cycling through queries for `seconds` while the workload writes.

    Returns (requests, errors).
    """
    queries: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("/realtime", dict),
        ("/metrics", lambda: {"metric_type": "operation_latency", "start_time": time.time() - 300}),
        ("/metrics", lambda: {"aggregation": "average", "start_time": time.time() - 600}),
        ("/timeseries", lambda: {"metric_type": "throughput", "start_time": time.time() - 3600,
                                 "end_time": time.time(), "step": 300}),
    ]  # fmt: skip
    done = [0] * 4
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with httpx.Client(base_url=url + API, timeout=60) as http:
            step = index
            while time.perf_counter() < deadline:
                path, params = queries[step % len(queries)]
                step += 1
                try:
                    response = http.get(path, params=params())
                    if response.status_code != 200:
                        errors.append(f"{path} {response.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path} {exc!r}")
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), len(errors)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def run(server: RunningServer, args: argparse.Namespace) -> list[tuple[str, str]]:
    url, secs, runs = server.url, args.seconds, args.runs
    rows: list[tuple[str, str]] = []
    cases: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
        ("GET /realtime", "/realtime", dict),
        ("GET /metrics latency, last 5 min (raw series)", "/metrics",
         lambda: {"metric_type": "operation_latency", "start_time": time.time() - 300}),
        ("GET /metrics latency average, last hour", "/metrics",
         lambda: {"metric_type": "operation_latency", "aggregation": "average",
                  "start_time": time.time() - 3600}),
        ("GET /metrics all types average, last hour", "/metrics",
         lambda: {"aggregation": "average", "start_time": time.time() - 3600}),
        ("GET /metrics latency p95, all 24 h", "/metrics",
         lambda: {"metric_type": "operation_latency", "aggregation": "percentile_95"}),
    ]  # fmt: skip
    for label, path, params in cases:
        rps = median_of(runs, functools.partial(throughput, url, path, params, secs))
        rows.append((f"{label}: requests/s (4 clients)", f"{rps:.1f}"))
        print(f"  {rows[-1][0]}: {rows[-1][1]}", flush=True)
    seconds = median_of(runs, lambda: report_seconds(url))
    rows.append(("POST /report (24 h, 8 charts) until complete: s", f"{seconds:.2f}"))
    print(f"  {rows[-1][0]}: {rows[-1][1]}", flush=True)
    idle = [statistics.median(realtime_latencies(url, secs)) for _ in range(runs)]
    busy = [realtime_while_rendering(url, secs) for _ in range(runs)]
    rows.append(("GET /realtime median latency, idle: ms", f"{statistics.median(idle):.2f}"))
    rows.append(("GET /realtime median latency, charts rendering: ms",
                 f"{statistics.median(b[0] for b in busy):.2f}"))  # fmt: skip
    rows.append(("GET /realtime p95 latency, charts rendering: ms",
                 f"{statistics.median(b[1] for b in busy):.2f}"))  # fmt: skip
    rows.append(("charts rendered during those runs", f"{sum(b[2] for b in busy)}"))
    requests, errors = concurrency(url, args.concurrency_seconds)
    rows.append(
        (f"4 clients x {args.concurrency_seconds:.0f} s while writing: requests", f"{requests}")
    )
    rows.append(
        (f"4 clients x {args.concurrency_seconds:.0f} s while writing: errors", f"{errors}")
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one throughput run")
    parser.add_argument("--concurrency-seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        written, seed_time = seed(db, args.samples)
        print(f"seeded {written} operation samples in {seed_time:.1f} s", flush=True)
        rows = [
            ("stored operation samples", f"{written}"),
            ("bulk seeding time: s", f"{seed_time:.1f}"),
        ]
        with running_server(demo=True, db_path=db) as server:
            rows += run(server, args)
    width = max(len(label) for label, _ in rows)
    print(f"\n{'measurement':<{width}}  value (median of {args.runs} runs)")
    print("-" * (width + 28))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 1 if rows[-1][1] != "0" else 0


if __name__ == "__main__":
    raise SystemExit(main())
