"""Decoding a 100k-point metrics body: plain `json.loads` against `json.loads` + `TimeSeries`.

Goals: the TimeSeries side within 1.5x the plain side's time, and its construction
under 40 MiB peak (tracemalloc). Both sides decode the same bytes; runs alternate and the table
shows medians. Add a measurement by writing a function of the body and listing it in `main`.
A second table fetches the same body over loopback HTTP: `httpx` + `.json()` into plain dicts
against the SDK's `get_metrics(...).to_timeseries()` (typed parse included); a third does the
same for a day of latency (69k points in 8 series), with the goal of 0.6x. With msgspec
installed, a row of `httpx` + msgspec's typed decode alone (no units, no columns) shows the floor
any SDK built on that decoder stands on.

    .venv/bin/python bench/bench_timeseries.py [--points 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import http.server
import json
import random
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from wal_telemetry_sdk.timeseries import TimeSeries

MiB = 2**20
TIME_GOAL = 1.5
DAY_POINTS = 69_000
DAY_GOAL = 0.6
MEMORY_GOAL = 40 * MiB
Measurement = Callable[[bytes], Any]


def make_body(points: int, series: int = 1, seed: int = 5) -> bytes:
    """An upstream-style `GET /metrics` body: `series` latency series sharing `points` points."""
    rng = random.Random(seed)
    start = 1_795_000_000.0
    per_series = points // series
    tree: dict[str, dict[str, list[list[float]]]] = {}
    for index in range(series):
        op, backend = ("append", "read", "write", "cat")[index % 4], f"backend{index // 4}"
        tree.setdefault(op, {})[backend] = [
            [round(start + i * 0.5 + rng.random() * 0.4, 3), round(rng.uniform(0.001, 2.5), 3)]
            for i in range(per_series)
        ]
    body = {
        "success": True,
        "operation": "get_telemetry",
        "timestamp": start + points,
        "metric_type": "operation_latency",
        "aggregation": None,
        "metrics": tree,
    }
    return json.dumps(body).encode()


def plain_json(body: bytes) -> Any:
    """The baseline: bytes into plain dicts and lists."""
    return json.loads(body)


def into_timeseries(body: bytes) -> TimeSeries:
    """The same bytes into plain data, then into a columnar TimeSeries."""
    data = json.loads(body)
    return TimeSeries.from_metrics_tree(data["metrics"], metric_type=data["metric_type"])


def timed(measure: Measurement, body: bytes) -> float:
    started = time.perf_counter()
    measure(body)
    return time.perf_counter() - started


def medians(measurements: dict[str, Measurement], body: bytes, runs: int) -> dict[str, float]:
    """Median seconds per measurement; runs alternate so load on the machine hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in measurements}
    for _ in range(runs):
        for name, measure in measurements.items():
            gc.collect()
            samples[name].append(timed(measure, body))
    return {name: statistics.median(values) for name, values in samples.items()}


def construction_peak(body: bytes) -> int:
    """Peak bytes allocated while building the TimeSeries from already decoded data."""
    data = json.loads(body)
    gc.collect()
    tracemalloc.start()
    try:
        TimeSeries.from_metrics_tree(data["metrics"])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class StaticMetrics(http.server.BaseHTTPRequestHandler):
    """Serves one fixed `GET /metrics` body, so both HTTP sides fetch identical bytes."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def over_http(points: int, runs: int, series: int = 1, goal: float = TIME_GOAL) -> bool:
    """The same body over loopback: plain httpx against the SDK, with the SDK's peak memory."""
    from wal_telemetry_sdk import WALTelemetryClient
    from wal_telemetry_sdk._bodies import collector_paused, series_decoder

    StaticMetrics.body = make_body(points, series)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StaticMetrics)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with httpx.Client() as raw, WALTelemetryClient(url) as client:
            sides: dict[str, Callable[[], Any]] = {
                "httpx + .json()": lambda: raw.get(f"{url}/api/v0/wal/telemetry/metrics").json(),
                "SDK get_metrics().to_timeseries()": lambda: client.get_metrics(
                    "operation_latency"
                ).to_timeseries(),
            }
            decode = series_decoder()

            def decoded_only() -> Any:
                """The floor: the body fetched and decoded (collector paused, as in the SDK)."""
                content = raw.get(f"{url}/api/v0/wal/telemetry/metrics").content
                with collector_paused(len(content)):
                    return decode(content) if decode is not None else None

            if decode is not None:
                sides["httpx + msgspec decode only"] = decoded_only
            samples: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(runs):
                for name, fetch in sides.items():
                    gc.collect()
                    started = time.perf_counter()
                    fetch()
                    samples[name].append(time.perf_counter() - started)
            gc.collect()
            tracemalloc.start()
            sides["SDK get_metrics().to_timeseries()"]()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    finally:
        server.shutdown()
    times = {name: statistics.median(values) for name, values in samples.items()}
    baseline = times["httpx + .json()"]
    print(f"\nover loopback HTTP, {points} points in {series} series (goal <= {goal}x plain)")
    print(f"{'measurement':<36} {'median ms':>10} {'x plain':>8} {'peak MiB':>9}")
    for name, seconds in times.items():
        memory = f"{peak / MiB:9.1f}" if name.startswith("SDK") else ""
        print(f"{name:<36} {seconds * 1e3:10.1f} {seconds / baseline:8.2f} {memory}")
    ratio = times["SDK get_metrics().to_timeseries()"] / baseline
    return ratio <= goal and peak <= MEMORY_GOAL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    measurements: dict[str, Measurement] = {
        "json.loads -> dicts": plain_json,
        "json.loads + TimeSeries": into_timeseries,
    }
    met = True
    print(f"{'body':<24} {'measurement':<26} {'median ms':>10} {'x plain':>8} {'peak MiB':>9}")
    for series in (1, 8):
        body = make_body(args.points, series)
        label = f"{series} x {args.points // series} pts, {len(body) / MiB:.1f} MiB"
        times = medians(measurements, body, max(args.runs, 3))
        baseline = times["json.loads -> dicts"]
        peak = construction_peak(body)
        for name, seconds in times.items():
            ratio = seconds / baseline
            memory = f"{peak / MiB:9.1f}" if name == "json.loads + TimeSeries" else f"{'':9}"
            print(f"{label:<24} {name:<26} {seconds * 1e3:10.1f} {ratio:8.2f} {memory}")
        ratio = times["json.loads + TimeSeries"] / baseline
        met = met and ratio <= TIME_GOAL and peak <= MEMORY_GOAL
    met = over_http(args.points, max(args.runs, 3)) and met
    # A day of latency from the reference server: 69k points over 8 operation:backend series.
    met = over_http(DAY_POINTS, max(args.runs, 3), series=8, goal=DAY_GOAL) and met
    print(
        f"goals: time <= {TIME_GOAL}x plain, construction peak <= {MEMORY_GOAL // MiB} MiB:",
        end=" ",
    )
    print("met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
