"""24 hourly buckets: the seed's sequential loop vs `get_metrics_over_time`, side by side.

Against one seeded reference server (started here, on loopback), each round times:
- the seed client's way: a requests.Session sending one averaged `GET /metrics` per hour,
  one after another;
- ours on the reference server: one server-side `/timeseries` query;
- ours on the upstream dialect: the same server with `/timeseries` answered 404, so the client
  sends the 24 per-bucket requests concurrently (at most 8 at a time).
Rounds alternate the three; medians over the rounds and ratios against the seed loop are printed.
Goals: >= 10x on the reference server on loopback, >= 15x at 20 ms RTT; >= 3x on the upstream
dialect. `--rtt MS` puts the delay proxy (bench/delay_proxy.py) between clients and server.

    python bench/bench_over_time.py [--rounds 5] [--rtt 20] [--samples N]
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import requests
from delay_proxy import DelayProxy

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_server.testing import RunningServer

HOUR = 3600.0
API = "/api/v0/wal/telemetry"


class WithoutTimeSeries(httpx.BaseTransport):
    """A server without the reference-only `/timeseries` operation, as upstream is."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == f"{API}/timeseries":
            return httpx.Response(404, json={"detail": "Not Found"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def seed_loop(session: requests.Session, url: str, start: float) -> int:
    """What the seed client did: one request per hourly bucket, each waiting for the last."""
    buckets = 0
    for hour in range(24):
        params = {
            "metric_type": "operation_latency",
            "start_time": start + hour * HOUR,
            "end_time": start + (hour + 1) * HOUR,
            "aggregation": "average",
        }
        response = session.get(f"{url}{API}/metrics", params=params, timeout=30)
        response.raise_for_status()
        buckets += bool(response.json()["metrics"] is not None)
    return buckets


def ours(client: WALTelemetryClient, start: float) -> int:
    result = client.get_metrics_over_time(
        "operation_latency", start_time=start, end_time=start + 24 * HOUR, interval="hour"
    )
    return len(result.time_series)


class DemoServer(RunningServer):
    """A demo server, optionally seeded with `samples` operation samples of history."""

    def __init__(self, db_path: Path, samples: int | None) -> None:
        super().__init__(db_path=db_path, demo=True, seed=42)
        self.samples = samples

    def command(self) -> list[str]:
        extra = [] if self.samples is None else ["--demo-samples", str(self.samples)]
        return [*super().command(), *extra]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rtt", type=float, default=0.0, help="added round-trip time, ms")
    parser.add_argument("--samples", type=int, default=None, help="history size (default: demo)")
    options = parser.parse_args(argv)
    if options.rtt < 0:
        parser.error("--rtt must be at least 0")
    with tempfile.TemporaryDirectory() as folder:
        server = DemoServer(Path(folder) / "bench.sqlite3", options.samples)
        server.start(timeout=600)
        proxy = DelayProxy("127.0.0.1", server.port, options.rtt / 1000) if options.rtt else None
        try:
            url = proxy.start().url if proxy else server.url
            medians = measure(url, options.rounds)
        finally:
            if proxy:
                proxy.stop()
            server.stop()
    baseline = medians["seed loop (requests, sequential)"]
    print(f"24 hourly buckets, medians of {options.rounds} rounds, {options.rtt:g} ms added RTT")
    print(f"{'contender':<36} {'median ms':>10} {'speed-up':>9}")
    for name, seconds in medians.items():
        print(f"{name:<36} {seconds * 1e3:10.1f} {baseline / seconds:8.1f}x")
    goal = 15 if options.rtt >= 20 else 10
    reference_ok = baseline / medians["ours, reference server"] >= goal
    upstream_ok = baseline / medians["ours, upstream dialect"] >= 3
    print(f"goal >= {goal}x on the reference server: {'met' if reference_ok else 'NOT met'}")
    print(f"goal >= 3x on the upstream dialect: {'met' if upstream_ok else 'NOT met'}")
    return 0


def measure(url: str, rounds: int) -> dict[str, float]:
    """Median seconds of each contender against the server at `url`, rounds interleaved."""
    start = time.time() - 24 * HOUR - 60
    session = requests.Session()
    reference = WALTelemetryClient(url)
    upstream_http = httpx.Client(transport=WithoutTimeSeries())
    upstream = WALTelemetryClient(url, http_client=upstream_http)
    contenders: dict[str, Callable[[], int]] = {
        "seed loop (requests, sequential)": lambda: seed_loop(session, url, start),
        "ours, reference server": lambda: ours(reference, start),
        "ours, upstream dialect": lambda: ours(upstream, start),
    }
    for run in contenders.values():  # warm connections and caches
        assert run() == 24
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            began = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - began)
    reference.close()
    upstream.close()
    upstream_http.close()
    session.close()
    return {name: statistics.median(values) for name, values in times.items()}


if __name__ == "__main__":
    sys.exit(main())
