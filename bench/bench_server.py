"""Reference server over a million stored operations: rollups before/after, concurrency, reports.

Seeds a database with ~1M operation samples (24 h of simulated WAL traffic), then:
1. Before vs after, side by side: the same queries against this server and against the server
   of `--before` (a git revision without rollups, run from `git archive`), each on its own copy
   of the database: `/metrics` latency p95 over 24 h and over 5 minutes,
   `/timeseries` 24 x 1 h average. Medians of interleaved rounds, and the ratios.
2. Concurrency: requests/s of `/realtime` and of a 5-minute latency series with 1, 16, 64 and
   256 concurrent aiohttp clients, both servers (their live workloads running).
3. With the live workload running on this server: requests/s of `/realtime` and `/metrics`
   with 4 clients, the time to write a 24 h report, `/realtime` latency while charts are being
   rendered against idle, and 4 clients querying for 30 s while the workload writes (errors
   must be 0).
With `--charts`, only charts, side by side with `--before`: the ms of `/visualization` of each
metric type over the 24 h and the seconds of a 24 h report (8 charts), interleaved rounds.

    .venv/bin/python bench/bench_server.py [--samples 1000000] [--runs 3] [--seconds 5]
                                           [--before REV | --before none] [--charts]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from wal_telemetry_server.model import METRIC_TYPES
from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import RunningServer, running_server
from wal_telemetry_server.workload import seed_history

API = "/api/v0/wal/telemetry"
DAY = 86_400.0
SAMPLES_PER_OPERATION = 2.0  # each simulated operation is preceded by its WAL append
ROOT = Path(__file__).resolve().parents[1]
BEFORE_ROLLUPS = "d90df7f"
"""The last revision whose server answered every query from the raw samples."""
CLIENTS = (1, 16, 64, 256)


def seed(db: Path, samples: int, end: float) -> tuple[int, float]:
    """Write about `samples` operation samples of the 24 h before `end`; returns count, seconds."""
    rate = samples / SAMPLES_PER_OPERATION / DAY
    started = time.perf_counter()
    with TelemetryStore(db) as store:
        written = seed_history(store, seed=1, end=end, duration=DAY, rate=rate)
    return written, time.perf_counter() - started


class ServerAt(RunningServer):
    """A reference server run from the source tree `source` (another revision's package)."""

    def __init__(self, source: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source

    def command(self) -> list[str]:
        launch = (
            f"import sys; sys.path.insert(0, {str(self.source)!r});"
            " from wal_telemetry_server.__main__ import main; sys.exit(main(sys.argv[1:]))"
        )
        return [sys.executable, "-c", launch, *super().command()[3:]]


def export_revision(revision: str, folder: Path) -> Path | None:
    """The server package of a git revision, extracted into `folder`; None when git cannot."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "wal_telemetry_server", "openapi.yaml"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        print(f"before: skipped ({archive.stderr.decode(errors='replace').strip()})")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def range_queries(end: float) -> dict[str, tuple[str, dict[str, Any]]]:
    """The queries of the before/after table, over the seeded history ending at `end`."""
    latency = {"metric_type": "operation_latency"}
    return {
        "/metrics latency p95, 24 h": (
            "/metrics", {**latency, "aggregation": "percentile_95", "start_time": end - DAY,
                         "end_time": end}),
        "/metrics latency p95, 5 min": (
            "/metrics", {**latency, "aggregation": "percentile_95", "start_time": end - 300,
                         "end_time": end}),
        "/timeseries latency average, 24 x 1 h": (
            "/timeseries", {**latency, "aggregation": "average", "start_time": end - DAY,
                            "end_time": end, "step": 3600}),
        "/metrics latency average, 24 h": (
            "/metrics", {**latency, "aggregation": "average", "start_time": end - DAY,
                         "end_time": end}),
    }  # fmt: skip


def query_ms(http: httpx.Client, path: str, params: dict[str, Any]) -> float:
    """Milliseconds of one request, which must succeed."""
    started = time.perf_counter()
    response = http.get(path, params=params)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
    return elapsed


def before_and_after(
    servers: dict[str, RunningServer], end: float, rounds: int
) -> dict[tuple[str, str], float]:
    """Median ms of each query on each server, rounds interleaving servers and queries."""
    queries = range_queries(end)
    times: dict[tuple[str, str], list[float]] = {
        (name, label): [] for name in servers for label in queries
    }
    clients = {
        name: httpx.Client(base_url=server.url + API, timeout=300)
        for name, server in servers.items()
    }
    try:
        for http in clients.values():  # warm connections and caches
            for path, params in queries.values():
                query_ms(http, path, params)
        for _ in range(rounds):
            for label, (path, params) in queries.items():
                for name, http in clients.items():
                    times[(name, label)].append(query_ms(http, path, params))
    finally:
        for http in clients.values():
            http.close()
    return {key: statistics.median(values) for key, values in times.items()}


async def concurrent_rate(url: str, path: str, params: dict[str, Any], tasks: int,
                          seconds: float) -> float:  # fmt: skip
    """Requests/s of `tasks` aiohttp clients sending one query in a loop for `seconds`."""
    import aiohttp

    done = 0
    connector = aiohttp.TCPConnector(limit=tasks)
    timeout = aiohttp.ClientTimeout(total=300)
    query = {k: str(v) for k, v in params.items()}
    async with aiohttp.ClientSession(
        f"{url}{API}/", connector=connector, timeout=timeout
    ) as session:

        async def client(deadline: float) -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(path.lstrip("/"), params=query) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{path}: {response.status}")
                done += 1

        await asyncio.gather(*(client(time.perf_counter() + 0.5) for _ in range(tasks)))  # warm
        done = 0
        started = time.perf_counter()
        await asyncio.gather(*(client(started + seconds) for _ in range(tasks)))
        return done / (time.perf_counter() - started)


def concurrency_queries(end: float) -> dict[str, tuple[str, dict[str, Any]]]:
    """A cheap query and one that reads thousands of rows, for the concurrency table."""
    return {
        "/realtime": ("/realtime", {}),
        "/metrics latency series, 5 min": (
            "/metrics", {"metric_type": "operation_latency", "start_time": end - 300,
                         "end_time": end}),
    }  # fmt: skip


def concurrency_table(
    servers: dict[str, RunningServer], end: float, rounds: int, seconds: float
) -> dict[tuple[str, str, int], float]:
    """Median requests/s per query, server and client count, rounds interleaving servers."""
    rates: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(rounds):
        for label, (path, params) in concurrency_queries(end).items():
            for n in CLIENTS:
                for name, server in servers.items():
                    rate = asyncio.run(concurrent_rate(server.url, path, params, n, seconds))
                    rates.setdefault((label, name, n), []).append(rate)
    return {key: statistics.median(values) for key, values in rates.items()}


def print_before_after(medians: dict[tuple[str, str], float], names: list[str]) -> None:
    labels = list(dict.fromkeys(label for _, label in medians))
    print(f"\n{'median ms per request':<40}" + "".join(f"{n:>12}" for n in names)
          + ("   speed-up" if "before" in names else ""))  # fmt: skip
    for label in labels:
        row = "".join(f"{medians[(n, label)]:12.1f}" for n in names)
        ratio = medians[("before", label)] / medians[("after", label)] if "before" in names else 0
        print(f"{label:<40}{row}" + (f"   {ratio:7.1f}x" if ratio else ""))
    p95_day = medians[("after", "/metrics latency p95, 24 h")]
    p95_short = medians[("after", "/metrics latency p95, 5 min")]
    buckets = medians[("after", "/timeseries latency average, 24 x 1 h")]
    print("goals (after)")
    print(f"  /metrics p95 over 24 h: {p95_day:.1f} ms (goal <= 50 ms: "
          f"{'met' if p95_day <= 50 else 'NOT met'})")  # fmt: skip
    print(f"  /timeseries 24 x 1 h: {buckets:.1f} ms (goal <= 50 ms: "
          f"{'met' if buckets <= 50 else 'NOT met'})")  # fmt: skip
    ratio = p95_day / p95_short
    print(f"  p95 over 24 h vs over 5 min: {ratio:.2f}x (goal <= 5x: "
          f"{'met' if ratio <= 5 else 'NOT met'})")  # fmt: skip
    if "before" in names:
        before = medians[("before", "/metrics latency p95, 24 h")]
        before_short = medians[("before", "/metrics latency p95, 5 min")]
        print(f"  (before: p95 over 24 h vs over 5 min: {before / before_short:.0f}x)")


def print_concurrency(rates: dict[tuple[str, str, int], float], names: list[str]) -> None:
    worst = math.inf
    for label in dict.fromkeys(key[0] for key in rates):
        print(f"\n{label + ', requests/s':<40}" + "".join(f"{n + ' (vs 1)':>20}" for n in names))
        for n in CLIENTS:
            row = "".join(
                f"{rates[(label, name, n)]:11.1f} "
                f"({rates[(label, name, n)] / rates[(label, name, 1)]:4.2f}x)"
                for name in names
            )
            print(f"{n:>4} concurrent clients{'':<16}{row}")
            worst = min(worst, rates[(label, "after", n)] / rates[(label, "after", 1)])
    print(f"goal: no collapse, every level >= 1 client: {'met' if worst >= 1 else 'NOT met'}"
          f" (lowest {worst:.2f}x)")  # fmt: skip


def compare(db: Path, end: float, args: argparse.Namespace, tmp: Path) -> None:
    """Sections 1 and 2: this server against `--before`, each on a copy of the database."""
    servers: dict[str, RunningServer] = {}
    source = None if args.before == "none" else export_revision(args.before, tmp / "before")
    try:
        after_db = tmp / "after.sqlite3"
        shutil.copyfile(db, after_db)
        # The live workload runs (for /realtime); the range queries end where the history does.
        servers["after"] = RunningServer(db_path=after_db, demo=True)
        if source is not None:
            before_db = tmp / "before.sqlite3"
            shutil.copyfile(db, before_db)
            servers["before"] = ServerAt(source, db_path=before_db, demo=True)
        for server in servers.values():
            server.start(timeout=600)
        names = sorted(servers, reverse=True) if "before" in servers else ["after"]
        print(f"before: {args.before}" if source else "before: not measured", flush=True)
        medians = before_and_after(servers, end, max(args.runs, 5))
        print_before_after(medians, names)
        rates = concurrency_table(servers, end, args.runs, args.seconds)
        print_concurrency(rates, names)
    finally:
        for server in servers.values():
            server.stop()


def charts_side_by_side(db: Path, end: float, args: argparse.Namespace, tmp: Path) -> None:
    """`--charts`: chart and report times of this server and of `--before`, interleaved."""
    source = export_revision(args.before, tmp / "before")
    servers: dict[str, RunningServer] = {"after": RunningServer(db_path=db, demo=False)}
    if source is not None:
        before_db = tmp / "before.sqlite3"
        shutil.copyfile(db, before_db)
        servers["before"] = ServerAt(source, db_path=before_db, demo=False)
    window = {"start_time": end - DAY, "end_time": end}
    times: dict[tuple[str, str], list[float]] = {}
    sizes: dict[str, tuple[int, int]] = {}
    try:
        for server in servers.values():
            server.start(timeout=600)
        clients = {n: httpx.Client(base_url=s.url + API, timeout=300) for n, s in servers.items()}
        for http in clients.values():  # warm the chart workers
            query_ms(http, "/visualization/throughput", window)
        for _ in range(args.runs):
            for metric_type in METRIC_TYPES:
                for name, http in clients.items():
                    ms = query_ms(http, f"/visualization/{metric_type}", window)
                    times.setdefault((name, metric_type), []).append(ms)
            for name, server in servers.items():
                seconds, folder = report_run(server.url)
                times.setdefault((name, "report"), []).append(seconds * 1000)
                sizes[name] = (
                    (folder / "report.html").stat().st_size,
                    sum(path.stat().st_size for path in folder.iterdir()),
                )
        for http in clients.values():
            http.close()
    finally:
        for server in servers.values():
            server.stop()
    names = sorted(servers, reverse=True)
    print(f"\nbefore: {args.before}; median ms of {args.runs} interleaved rounds, 12x8 in, 24 h")
    print(f"{'chart':<36}" + "".join(f"{n:>10}" for n in names) + "  after/before")
    for label in [*METRIC_TYPES, "report"]:
        medians = {n: statistics.median(times[(n, label)]) for n in names}
        ratio = medians["after"] / medians["before"] if "before" in medians else math.nan
        shown = "POST /report (8 charts) until complete" if label == "report" else label
        print(f"{shown:<36}" + "".join(f"{medians[n]:10.0f}" for n in names) + f"  {ratio:8.2f}x")
    for label, index in (("report.html: KB", 0), ("whole report folder: KB", 1)):
        kb = {n: sizes[n][index] / 1000 for n in names}
        ratio = kb["after"] / kb["before"] if "before" in kb else math.nan
        print(f"{label:<36}" + "".join(f"{kb[n]:10.1f}" for n in names) + f"  {ratio:8.2f}x")


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


def report_run(url: str) -> tuple[float, Path]:
    """Seconds from POST /report (last 24 h) until its status is complete, and its folder."""
    with httpx.Client(base_url=url + API, timeout=120) as http:
        started = time.perf_counter()
        report = http.post("/report").json()
        report_id = report["report_id"]
        while (status := http.get(f"/reports/{report_id}").json())["status"] != "complete":
            if status["status"] == "failed":
                raise RuntimeError(status)
            time.sleep(0.05)
        return time.perf_counter() - started, Path(report["report_path"])


def report_seconds(url: str) -> float:
    return report_run(url)[0]


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
    parser.add_argument(
        "--before", default=BEFORE_ROLLUPS, help="git revision to compare with, or 'none'"
    )
    parser.add_argument("--skip-workload", action="store_true", help="sections 1 and 2 only")
    parser.add_argument("--charts", action="store_true", help="chart and report times only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        end = time.time()
        written, seed_time = seed(db, args.samples, end)
        print(f"seeded {written} operation samples in {seed_time:.1f} s", flush=True)
        if args.charts:
            charts_side_by_side(db, end, args, Path(tmp))
            return 0
        compare(db, end, args, Path(tmp))
        if args.skip_workload:
            return 0
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
