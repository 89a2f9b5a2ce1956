"""A simulated write-ahead log: operations against storage backends, with their telemetry.

Every operation is first appended to the WAL's own `json` storage (operation `append`), then
processed on its backend with a log-normal latency that grows while the backend is degraded,
failures that are retried with backoff, and per-backend queue depth and health gauges sampled
every sampling interval. Arrivals follow a daily cycle. A seed makes the sequence repeatable.
"""

from __future__ import annotations

import logging
import math
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from wal_telemetry_server.model import (
    FAILURE,
    GAUGE_HEALTH,
    GAUGE_PENDING,
    GAUGE_PROCESSING,
    SUCCESS,
    GaugeSample,
    OperationSample,
)
from wal_telemetry_server.store import TelemetryStore

log = logging.getLogger("wal_telemetry_server")
WAL_BACKEND = "json"
BACKENDS = ("ipfs", "s3", "storacha", "local", WAL_BACKEND)
ROUTES: tuple[tuple[str, str, float], ...] = (
    ("add", "ipfs", 4.0),
    ("add", "s3", 2.0),
    ("add", "storacha", 1.5),
    ("add", "local", 2.0),
    ("get", "ipfs", 4.0),
    ("get", "s3", 2.5),
    ("get", "storacha", 1.0),
    ("get", "local", 3.0),
    ("cat", "ipfs", 2.0),
    ("pin", "ipfs", 1.5),
    ("pin", "storacha", 0.8),
    ("unpin", "ipfs", 0.6),
    ("unpin", "storacha", 0.3),
)
# backend: (median latency in seconds, log-normal sigma, failure probability while online)
PROFILES: dict[str, tuple[float, float, float]] = {
    "ipfs": (0.080, 0.60, 0.020),
    "s3": (0.045, 0.45, 0.010),
    "storacha": (0.220, 0.70, 0.035),
    "local": (0.004, 0.35, 0.002),
    WAL_BACKEND: (0.0015, 0.30, 0.001),
}
OPERATION_FACTOR = {"add": 1.4, "get": 1.0, "cat": 0.8, "pin": 1.8, "unpin": 1.1, "append": 1.0}
HEALTH_LATENCY_FACTOR = {1.0: 1.0, 0.5: 2.5, 0.0: 4.0}
HEALTH_FAILURE = {1.0: 1.0, 0.5: 6.0, 0.0: 40.0}
# health: [(next health, probability per sample)]
HEALTH_TRANSITIONS: dict[float, tuple[tuple[float, float], ...]] = {
    1.0: ((0.5, 0.012), (0.0, 0.002)),
    0.5: ((1.0, 0.15), (0.0, 0.03)),
    0.0: ((0.5, 0.25), (1.0, 0.10)),
}
MAX_RETRIES = 3
WORKERS = 8
# Mean queued operations per backend by health: a backend in trouble builds a backlog.
QUEUE_BACKLOG = {1.0: 2.0, 0.5: 12.0, 0.0: 40.0}
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Batch:
    """Samples produced for one stretch of simulated time."""

    operations: list[OperationSample]
    gauges: list[GaugeSample]


class WalSimulator:
    """Produces the telemetry of a simulated WAL for consecutive stretches of time."""

    def __init__(self, seed: int, rate: float, sampling_interval: float = 60.0) -> None:
        self.rng = random.Random(seed)
        self.rate = rate
        self.sampling_interval = sampling_interval
        self.health = dict.fromkeys(BACKENDS, 1.0)
        self._weights = [w for _, _, w in ROUTES]
        self._next_arrival: float | None = None
        self._next_sample: float | None = None

    def _rate_at(self, t: float) -> float:
        """Arrivals per second at time t: a daily cycle peaking in the afternoon (UTC)."""
        return self.rate * (1.0 + 0.6 * math.sin(2 * math.pi * ((t % DAY) / DAY - 0.375)))

    def _latency(self, operation_type: str, backend: str) -> float:
        median, sigma, _ = PROFILES[backend]
        factor = OPERATION_FACTOR[operation_type] * HEALTH_LATENCY_FACTOR[self.health[backend]]
        return median * factor * math.exp(self.rng.gauss(0.0, sigma))

    def _attempts(self, operation_type: str, backend: str) -> tuple[str, float, int]:
        """Run one operation with retries: final status, total latency, retries made."""
        fail_p = min(0.95, PROFILES[backend][2] * HEALTH_FAILURE[self.health[backend]])
        total = 0.0
        for attempt in range(MAX_RETRIES + 1):
            total += self._latency(operation_type, backend)
            if self.rng.random() >= fail_p:
                return SUCCESS, total, attempt
            if attempt < MAX_RETRIES:
                total += 0.05 * 2**attempt
        return FAILURE, total, MAX_RETRIES

    def _operations_at(self, start: float) -> list[OperationSample]:
        op, backend, _ = self.rng.choices(ROUTES, weights=self._weights)[0]
        append_status, append_latency, append_retries = self._attempts("append", WAL_BACKEND)
        appended = start + append_latency
        samples = [
            OperationSample(
                appended, "append", WAL_BACKEND, append_status, append_latency, append_retries
            )
        ]
        if append_status == SUCCESS:
            status, latency, retries = self._attempts(op, backend)
            samples.append(
                OperationSample(appended + latency, op, backend, status, latency, retries)
            )
        return samples

    def _gauges_at(self, t: float) -> list[GaugeSample]:
        gauges: list[GaugeSample] = []
        load = self._rate_at(t) / self.rate
        for backend in BACKENDS:
            for target, probability in HEALTH_TRANSITIONS[self.health[backend]]:
                if self.rng.random() < probability:
                    self.health[backend] = target
                    break
            health = self.health[backend]
            share = 3.0 if backend == WAL_BACKEND else 1.0
            pending = self._poisson(load * share * QUEUE_BACKLOG[health])
            processing = min(WORKERS, self._poisson(load * share * 1.5 / health if health else 0))
            gauges += [
                GaugeSample(t, GAUGE_HEALTH, backend, health),
                GaugeSample(t, GAUGE_PENDING, backend, float(pending)),
                GaugeSample(t, GAUGE_PROCESSING, backend, float(processing)),
            ]
        return gauges

    def _poisson(self, lam: float) -> int:
        if lam <= 0:
            return 0
        if lam > 30:
            return max(0, round(self.rng.gauss(lam, math.sqrt(lam))))
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def advance(self, start: float, end: float) -> Batch:
        """Samples of the operations started and the gauges sampled in `[start, end)`.

        An operation's sample is stamped when it finishes, so a few may lie after `end`.
        """
        ops: list[OperationSample] = []
        gauges: list[GaugeSample] = []
        if self._next_arrival is None or self._next_arrival < start:
            self._next_arrival = start + self.rng.expovariate(max(self._rate_at(start), 1e-6))
        if self._next_sample is None or self._next_sample < start:
            step = self.sampling_interval
            self._next_sample = math.ceil(start / step) * step
        while True:
            t_op, t_gauge = self._next_arrival, self._next_sample
            if min(t_op, t_gauge) >= end:
                break
            if t_gauge <= t_op:
                gauges += self._gauges_at(t_gauge)
                self._next_sample = t_gauge + self.sampling_interval
            else:
                ops += self._operations_at(t_op)
                self._next_arrival = t_op + self.rng.expovariate(max(self._rate_at(t_op), 1e-6))
        return Batch(ops, gauges)

    def history(self, start: float, end: float, chunk: float = 3600.0) -> Iterator[Batch]:
        """The samples of `[start, end)` in chunks of `chunk` seconds."""
        t = start
        while t < end:
            yield self.advance(t, min(t + chunk, end))
            t += chunk


def seed_history(
    store: TelemetryStore,
    *,
    seed: int,
    end: float,
    duration: float = DAY,
    rate: float = 0.4,
    sampling_interval: float = 60.0,
) -> int:
    """Write `duration` seconds of simulated history ending at `end` in one transaction."""
    sim = WalSimulator(seed, rate, sampling_interval)
    gauges: list[GaugeSample] = []

    def operations() -> Iterator[OperationSample]:
        for batch in sim.history(end - duration, end):
            gauges.extend(batch.gauges)
            yield from (s for s in batch.operations if s.timestamp < end)

    ops = list(operations())
    return store.bulk_record(ops, gauges)


class LiveWorkload:
    """A thread that keeps simulating operations at wall-clock time and records their samples."""

    def __init__(
        self,
        store: TelemetryStore,
        *,
        seed: int,
        rate: float = 2.0,
        tick: float = 0.25,
        sampling_interval: Callable[[], float] = lambda: 60.0,
        enabled: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.sim = WalSimulator(seed, rate, sampling_interval())
        self.tick = tick
        self._sampling_interval = sampling_interval
        self._enabled = enabled
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-workload", daemon=True)
        self.recorded = 0

    def start(self) -> None:
        """Start producing operations from now on."""
        self._thread.start()

    def _run(self) -> None:
        last = time.time()
        pending: list[OperationSample] = []
        while not self._stop.wait(self.tick):
            now = time.time()
            self.sim.sampling_interval = self._sampling_interval()
            batch = self.sim.advance(last, now)
            last = now
            # Samples are stamped when an operation finishes: keep those still in the future.
            pending += batch.operations
            due = [s for s in pending if s.timestamp <= now]
            pending = [s for s in pending if s.timestamp > now]
            if self._enabled():
                try:
                    self.recorded += self.store.record(due, batch.gauges)
                except sqlite3.Error:  # e.g. a full disk: skip this tick, keep simulating
                    log.exception("recording workload samples failed")

    def stop(self) -> None:
        """Stop producing; samples already recorded are committed."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
