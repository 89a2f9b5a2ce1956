"""The report's headline: KPIs against the previous window of the same length, a verdict per
backend and the worst operation/backend pairs, each judged by the report's thresholds."""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from wal_telemetry_server.chartdata import SHOWN_FACTORS
from wal_telemetry_server.model import Selection, health_state
from wal_telemetry_server.queries import collect, latency_percentile_of_groups

MS_PER_STORED = SHOWN_FACTORS["operation_latency"]
"""Stored latency (seconds) times this is the milliseconds the summary judges and shows."""

WORST = 5
"""Pairs listed among the slowest and among the most failing."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What the report flags; the report options of `POST /report` override these defaults."""

    max_latency_p95_ms: float = 1000.0
    min_success_rate: float = 0.99
    max_queue_size: float = 250.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


THRESHOLDS = tuple(Thresholds.__dataclass_fields__)
"""The report options that set thresholds, named as in `POST /report`."""


@dataclass(frozen=True, slots=True)
class Tally:
    """Operations of a pair, a backend or all of them in one window."""

    operations: int = 0
    failures: int = 0
    p95_ms: float | None = None

    @property
    def success_rate(self) -> float | None:
        return None if not self.operations else 1.0 - self.failures / self.operations

    @property
    def failure_rate(self) -> float:
        return self.failures / self.operations if self.operations else 0.0


@dataclass(frozen=True, slots=True)
class Health:
    """A backend's health readings in one window: the last state and each state's share."""

    last: str
    shares: dict[str, float]


@dataclass(frozen=True, slots=True)
class WindowFigures:
    """The figures of one time window."""

    start: float
    end: float
    overall: Tally
    pairs: dict[tuple[str, str], Tally]
    backends: dict[str, Tally]
    health: dict[str, Health]
    queue_peak: float | None
    queue_last: float | None

    @property
    def throughput(self) -> float:
        """Operations per second over the whole window (0 for an empty window)."""
        span = self.end - self.start
        return self.overall.operations / span if span > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """A backend's state in the window ("failing", "degraded", "healthy" or "no data") and why."""

    backend: str
    level: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Headline:
    """Everything the first screen of the report shows."""

    current: WindowFigures
    previous: WindowFigures
    thresholds: Thresholds
    verdicts: list[Verdict] = field(default_factory=list)
    slowest: list[tuple[tuple[str, str], Tally]] = field(default_factory=list)
    failing: list[tuple[tuple[str, str], Tally]] = field(default_factory=list)


def window_figures(
    conn: sqlite3.Connection, start: float, end: float, interval: int
) -> WindowFigures:
    """Counts, failures, p95 latency, health and queue of `[start, end)` from the store."""
    sel = Selection(start_time=start, end_time=end)
    collected = collect(
        conn, ["operation_count", "success_rate", "backend_health", "queue_size"], sel, interval
    )
    counts = collected["operation_count"].get(0, {})
    successes = collected["success_rate"].get(0, {})
    totals: dict[tuple[str, str], list[float]] = {}
    for (op, backend), series in counts.items():
        n = sum(p[1] for p in series)
        ok = sum(c[1] * s[1] for c, s in zip(series, successes[(op, backend)], strict=True))
        totals[(op, backend)] = [n, n - ok]
    by_pair, by_backend, overall = latency_percentile_of_groups(
        conn, sel, 95.0, lambda op, backend: (op, backend), lambda _, b: (b,), lambda *_: ()
    )

    def tally(keys: list[tuple[str, str]], p95: float | None) -> Tally:
        n = sum(totals[k][0] for k in keys)
        failed = sum(totals[k][1] for k in keys)
        return Tally(round(n), round(failed), None if p95 is None else p95 * MS_PER_STORED)

    backends = sorted({backend for _, backend in totals})
    queue: dict[float, float] = defaultdict(float)
    for series in collected["queue_size"].get(0, {}).values():
        for ts, value in series:
            queue[ts] += value
    return WindowFigures(
        start=start,
        end=end,
        overall=tally(list(totals), overall.get(())),
        pairs={k: tally([k], by_pair.get(k)) for k in totals},
        backends={
            b: tally([k for k in totals if k[1] == b], by_backend.get((b,))) for b in backends
        },
        health={
            labels[0]: _health([value for _, value in series])
            for labels, series in sorted(collected["backend_health"].get(0, {}).items())
            if series
        },
        queue_peak=max(queue.values(), default=None),
        queue_last=queue[max(queue)] if queue else None,
    )


def _health(values: list[float]) -> Health:
    states = [health_state(value) for value in values]
    shares = {state: states.count(state) / len(states) for state in dict.fromkeys(states)}
    return Health(states[-1], shares)


def verdict(backend: str, figures: WindowFigures, thresholds: Thresholds) -> Verdict:
    """Failing: offline at the end of the window or below the success-rate threshold; degraded:
    degraded at the end or over the p95 threshold. Offline spells are named either way."""
    tally = figures.backends.get(backend, Tally())
    health = figures.health.get(backend)
    failing: list[str] = []
    degraded: list[str] = []
    notes: list[str] = []
    if health is not None:
        if health.last == "offline":
            failing.append("offline at the end of the window")
        elif health.last == "degraded":
            degraded.append("degraded at the end of the window")
        offline = health.shares.get("offline", 0.0)
        if offline and health.last != "offline":
            notes.append(f"offline for {offline:.1%} of the window")
    rate = tally.success_rate
    if rate is not None and rate < thresholds.min_success_rate:
        failing.append(
            f"success rate {percent(rate)} is below {percent(thresholds.min_success_rate)}"
        )
    if tally.p95_ms is not None and tally.p95_ms > thresholds.max_latency_p95_ms:
        limit = thresholds.max_latency_p95_ms
        degraded.append(f"p95 latency {milliseconds(tally.p95_ms)} is over {milliseconds(limit)}")
    reasons = (*failing, *degraded, *notes)
    if failing:
        return Verdict(backend, "failing", reasons)
    if degraded:
        return Verdict(backend, "degraded", reasons)
    if health is None and not tally.operations:
        return Verdict(backend, "no data", ("no operations or health readings",))
    return Verdict(backend, "healthy", reasons)


def percent(rate: float | None) -> str:
    """A rate as a percentage with two decimals ("99.87%"), "100%" when nothing failed."""
    if rate is None:
        return "\N{EN DASH}"
    return "100%" if rate >= 1 else f"{rate * 100:.2f}%"


def milliseconds(value: float | None) -> str:
    """A latency for people: "345 ms", "7.5 ms"."""
    if value is None:
        return "\N{EN DASH}"
    return f"{value:,.1f} ms" if value < 10 else f"{value:,.0f} ms"


def amount(value: float) -> str:
    """A count or threshold: "250", "7.5"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


LEVELS = ("failing", "degraded", "no data", "healthy")


def headline(
    conn: sqlite3.Connection,
    start: float,
    end: float,
    interval: int,
    thresholds: Thresholds,
) -> Headline:
    """The headline of `[start, end)`, compared with the window of the same length before it."""
    current = window_figures(conn, start, end, interval)
    previous = window_figures(conn, start - (end - start), start, interval)
    backends = sorted({*current.backends, *current.health})
    verdicts = sorted(
        (verdict(b, current, thresholds) for b in backends),
        key=lambda v: (LEVELS.index(v.level), v.backend),
    )
    timed = [(k, t) for k, t in current.pairs.items() if t.p95_ms is not None]
    slowest = sorted(timed, key=lambda item: -(item[1].p95_ms or 0.0))[:WORST]
    failed = [(k, t) for k, t in current.pairs.items() if t.failures]
    failing = sorted(failed, key=lambda item: (-item[1].failure_rate, -item[1].failures))[:WORST]
    return Headline(current, previous, thresholds, verdicts, slowest, failing)


def change(now: float | None, before: float | None) -> float | None:
    """The relative change from `before` to `now`; None when either is unknown or `before` is 0."""
    if now is None or before is None or before == 0 or not math.isfinite(before):
        return None
    return (now - before) / before


def headline_data(head: Headline) -> dict[str, Any]:
    """The headline as plain data for `report.json` (the API's units: seconds, ratios)."""

    def tally(t: Tally) -> dict[str, Any]:
        return {
            "operations": t.operations,
            "failures": t.failures,
            "success_rate": t.success_rate,
            "latency_p95": None if t.p95_ms is None else t.p95_ms / MS_PER_STORED,
        }

    def window(w: WindowFigures) -> dict[str, Any]:
        return {
            "start_time": w.start,
            "end_time": w.end,
            **tally(w.overall),
            "throughput": w.throughput,
            "queue_peak": w.queue_peak,
            "queue_last": w.queue_last,
        }

    return {
        "thresholds": head.thresholds.to_dict(),
        "current": window(head.current),
        "previous": window(head.previous),
        "verdicts": [
            {"backend": v.backend, "verdict": v.level, "reasons": list(v.reasons)}
            for v in head.verdicts
        ],
        "slowest": [{"operation": op, "backend": b, **tally(t)} for (op, b), t in head.slowest],
        "failing": [{"operation": op, "backend": b, **tally(t)} for (op, b), t in head.failing],
    }
