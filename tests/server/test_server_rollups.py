"""Rollups answer like the raw samples: exact counts and sums, percentiles within the stated bound.

Every expectation is computed here from the raw rows of the operations table, by brute force.
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wal_telemetry_server import sketch
from wal_telemetry_server.model import AGGREGATIONS, OperationSample, Selection
from wal_telemetry_server.queries import Buckets, metrics_tree, time_series
from wal_telemetry_server.rollups import SPANS, cover
from wal_telemetry_server.sketch import RELATIVE_ERROR, LogHistogram
from wal_telemetry_server.store import TelemetryStore

from . import known

T0 = 1_700_000_017.25  # not on a minute
HOURS = 3
LABELS = (("add", "ipfs"), ("get", "s3"), ("append", "json"))
INTERVAL_TYPES = ("operation_count", "success_rate", "error_rate", "retry_count", "throughput")
PERCENTILES = {"percentile_95": 95.0, "percentile_99": 99.0}
Row = tuple[float, str, str, str, float, int]
BOUND = RELATIVE_ERROR * (1 + 1e-9)  # the stated bound, with room for float rounding only


def samples(seed: int, count: int = 12_000) -> list[OperationSample]:
    """Operations spread over a few hours, some stamped exactly on minute and hour boundaries."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        ts = T0 + rng.random() * HOURS * 3600
        if i % 40 == 0:
            ts = float(math.floor(ts / 60) * 60)
        op, backend = rng.choice(LABELS)
        failed = rng.random() < 0.1
        out.append(
            OperationSample(
                ts,
                op,
                backend,
                "failure" if failed else "success",
                rng.lognormvariate(math.log(0.05), 1.2) + 1e-6,
                rng.randrange(4) if failed else 0,
            )
        )
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelemetryStore]:
    """A file store written in out-of-order batches through both write paths."""
    data = samples(7)
    with TelemetryStore(tmp_path_factory.mktemp("rollups") / "r.sqlite3") as store:
        store.bulk_record(data[:4000])
        shuffled = data[4000:]
        random.Random(1).shuffle(shuffled)
        for start in range(0, len(shuffled), 250):
            store.record(shuffled[start : start + 250])
        yield store


def raw_rows(conn: sqlite3.Connection) -> list[Row]:
    return conn.execute(
        "SELECT ts, operation_type, backend, status, latency, retries FROM operations"
    ).fetchall()


def selected(rows: list[Row], sel: Selection) -> list[Row]:
    return [
        r
        for r in rows
        if (sel.operation_type is None or r[1] == sel.operation_type)
        and (sel.backend is None or r[2] == sel.backend)
        and (sel.status is None or r[3] == sel.status)
        and (sel.start_time is None or r[0] >= sel.start_time)
        and (sel.end_time is None or r[0] < sel.end_time)
    ]


def expected_latency(rows: list[Row], aggregation: str) -> dict[tuple[str, str], float]:
    series: dict[tuple[str, str], list[list[float]]] = defaultdict(list)
    for ts, op, backend, _status, latency, _retries in sorted(rows):
        series[(op, backend)].append([ts, latency])
    return {labels: known.reduce(points, aggregation) for labels, points in series.items()}


def expected_intervals(rows: list[Row], metric_type: str, interval: int) -> dict[Any, Any]:
    groups: dict[tuple[str, str], dict[int, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        groups[(row[1], row[2])][math.floor(row[0] / interval)].append(row)
    if metric_type == "throughput":
        totals: dict[int, int] = defaultdict(int)
        for per_k in groups.values():
            for k, members in per_k.items():
                totals[k] += len(members)
        return {
            ("overall",): [[float(k * interval), n / interval] for k, n in sorted(totals.items())]
        }
    value = {
        "operation_count": lambda m: float(len(m)),
        "success_rate": lambda m: sum(r[3] == "success" for r in m) / len(m),
        "error_rate": lambda m: sum(r[3] != "success" for r in m) / len(m),
        "retry_count": lambda m: float(sum(r[5] for r in m)),
    }[metric_type]
    return {
        labels: [[float(k * interval), value(m)] for k, m in sorted(per_k.items())]
        for labels, per_k in groups.items()
    }


def ranges(seed: int) -> list[tuple[float | None, float | None]]:
    rng = random.Random(seed)
    end = T0 + HOURS * 3600
    picked: list[tuple[float | None, float | None]] = [
        (None, None),
        (T0 + 100, None),
        (None, T0 + 5000.5),
        (float(math.floor(T0 / 3600 + 1) * 3600), float(math.floor(T0 / 3600 + 2) * 3600)),
        (T0 + 60, T0 + 61),  # inside one minute
        (-1e300, 1e300),  # beyond any integer SQLite holds
    ]
    for _ in range(12):
        lo, hi = sorted(rng.uniform(T0 - 600, end + 600) for _ in range(2))
        picked.append((lo, hi))
    return picked


def assert_matches(actual: Any, expected: dict[Any, float], aggregation: str) -> None:
    leaves = known.leaves(actual)
    assert set(leaves) == set(expected)
    for labels, value in expected.items():
        if aggregation in ("count", "minimum", "maximum"):
            assert leaves[labels] == value, labels
        elif aggregation in PERCENTILES:
            assert leaves[labels] == pytest.approx(value, rel=BOUND, abs=0), labels
        else:
            assert leaves[labels] == pytest.approx(value, rel=1e-12), labels


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
def test_latency_aggregations_over_ranges_match_the_raw_rows(
    store: TelemetryStore, aggregation: str
) -> None:
    with store.reading() as conn:
        rows = raw_rows(conn)
        for lo, hi in ranges(3):
            for status in (None, "failure"):
                sel = Selection(status=status, start_time=lo, end_time=hi)
                tree = metrics_tree(conn, "operation_latency", sel, aggregation, 60, 10**6)
                expected = expected_latency(selected(rows, sel), aggregation)
                assert_matches(tree, expected, aggregation)


@pytest.mark.parametrize("step", [3600.0, 600.0, 90.0, 37.5])
@pytest.mark.parametrize("aggregation", ["count", "sum", "maximum", "percentile_95"])
def test_latency_time_series_buckets_match_the_raw_rows(
    store: TelemetryStore, aggregation: str, step: float
) -> None:
    origin = T0 + 1234.5
    count = 6
    buckets = Buckets(origin, step, count, origin + step * count - 7)
    with store.reading() as conn:
        rows = raw_rows(conn)
        sel = Selection(backend="ipfs")
        trees = time_series(conn, "operation_latency", sel, aggregation, 60, buckets, 10**6)
        for index, tree in enumerate(trees):
            lo, hi = buckets.bounds(index)
            expected = expected_latency(selected(rows, sel.with_range(lo, hi)), aggregation)
            assert_matches(tree, expected, aggregation)


@pytest.mark.parametrize("interval", [60, 120, 600, 3600, 7])
@pytest.mark.parametrize("metric_type", INTERVAL_TYPES)
def test_interval_series_match_the_raw_rows(
    store: TelemetryStore, metric_type: str, interval: int
) -> None:
    with store.reading() as conn:
        rows = raw_rows(conn)
        for lo, hi in ranges(5)[:8]:
            sel = Selection(start_time=lo, end_time=hi)
            tree = metrics_tree(conn, metric_type, sel, None, interval, 10**6)
            expected = expected_intervals(selected(rows, sel), metric_type, interval)
            actual = known.leaves(tree)
            if metric_type == "throughput" and not expected:
                expected = {("overall",): []}
            assert set(actual) == set(expected)
            for labels, points in expected.items():
                assert len(actual[labels]) == len(points), labels
                for (t, v), (et, ev) in zip(actual[labels], points, strict=True):
                    assert t == et and v == pytest.approx(ev, rel=1e-12), labels


def test_percentiles_of_a_day_stay_within_the_bound(tmp_path: Path) -> None:
    """Heavy tails, tiny and huge latencies: the error never exceeds RELATIVE_ERROR."""
    rng = random.Random(11)
    data = [
        OperationSample(T0 + i * 3.1, "get", "s3", "success", rng.paretovariate(1.1) * 1e-4)
        for i in range(30_000)
    ]
    with TelemetryStore(tmp_path / "p.sqlite3") as store, store.reading() as conn:
        store.bulk_record(data)
        values = sorted(s.latency for s in data)
        for pct in (0, 1, 25, 50, 90, 95, 99, 99.9, 100):
            histogram = LogHistogram.of(values)
            estimate = histogram.percentile(pct, values[0], values[-1])
            assert estimate == pytest.approx(known_percentile(values, pct), rel=BOUND), pct
        for aggregation in PERCENTILES:
            tree = metrics_tree(conn, "operation_latency", Selection(), aggregation, 60, 10**6)
            exact = known.reduce([[0, v] for v in values], aggregation)
            assert tree["get"]["s3"] == pytest.approx(exact, rel=BOUND)


def known_percentile(values: list[float], pct: float) -> float:
    rank = (len(values) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def test_zero_latencies_are_off_by_at_most_a_nanosecond() -> None:
    values = [0.0] * 50 + [0.002] * 50
    histogram = LogHistogram.of(values)
    assert histogram.percentile(0, 0.0, 0.002) == 0.0
    assert histogram.percentile(40, 0.0, 0.002) == pytest.approx(0.0, abs=sketch.SMALLEST)
    assert histogram.percentile(100, 0.0, 0.002) == 0.002


def test_merged_histograms_equal_the_histogram_of_all_values() -> None:
    rng = random.Random(5)
    parts = [[rng.lognormvariate(-3, 2) for _ in range(rng.randrange(1, 300))] for _ in range(40)]
    merged = LogHistogram()
    for part in parts:
        merged.merge(LogHistogram.decode(LogHistogram.of(part).encode()))
    whole = LogHistogram.of(v for part in parts for v in part)
    assert merged.counts() == whole.counts()
    assert merged.encode() == whole.encode()
    assert merged.total == sum(map(len, parts))


def test_counts_beyond_one_packed_integer_are_still_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FIELD_LIMIT values the histogram keeps separate packed integers, never overflowing."""
    monkeypatch.setattr(sketch, "FIELD_LIMIT", 100)
    values = [0.01 * (1 + i % 7) for i in range(70)]
    merged = LogHistogram()
    for _ in range(5):  # 350 values, more than the limit of one packed integer
        merged.merge(LogHistogram.of(values))
    monkeypatch.undo()
    whole = LogHistogram.of(values * 5)
    assert merged.counts() == whole.counts()
    assert merged.encode() == whole.encode()
    assert merged.percentile(50, 0.01, 0.07) == whole.percentile(50, 0.01, 0.07)


@pytest.mark.parametrize("seed", range(6))
def test_cover_tiles_a_range_with_whole_aligned_rows(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        lo = rng.uniform(0, 50_000)
        hi = lo + rng.choice([0.5, 59, 61, 600, 3599, 3601, 7300, 90_000]) * rng.random() * 2
        pieces = cover(lo, hi)
        parts = sorted([*pieces.raw, *((a, b) for _, a, b in pieces.rollups)])
        position = lo
        for a, b in parts:
            assert a == position and b > a
            position = b
        assert position == hi or (lo >= hi and not parts)
        for span, a, b in pieces.rollups:
            assert span in SPANS and a % span == 0 and b % span == 0
        assert not any(math.ceil(a / 60) * 60 + 60 <= b for a, b in pieces.raw)  # no whole minute
        assert len(pieces.raw) <= 2


@pytest.mark.parametrize(
    "change",
    [
        "DROP TABLE operation_rollups; DROP TABLE rollup_layout",  # written before rollups
        "DELETE FROM operation_rollups WHERE span = 60; UPDATE rollup_layout SET layout = 'old'",
    ],
)
def test_rollups_are_rebuilt_for_a_database_of_another_layout(tmp_path: Path, change: str) -> None:
    path = tmp_path / "old.sqlite3"
    with TelemetryStore(path) as fresh:
        fresh.bulk_record(samples(7, 2000))
        with fresh.reading() as conn:
            before = metrics_tree(conn, None, Selection(start_time=T0 + 30.5), "average", 60, 10**6)
    with sqlite3.connect(path) as conn:
        conn.executescript(change)
    with TelemetryStore(path) as reopened, reopened.reading() as conn:
        after = metrics_tree(conn, None, Selection(start_time=T0 + 30.5), "average", 60, 10**6)
    assert known.leaves(after) == pytest.approx(known.leaves(before), rel=1e-12)


def test_retention_keeps_rollups_and_samples_in_agreement(tmp_path: Path) -> None:
    data = samples(9, 3000)
    with TelemetryStore(tmp_path / "p.sqlite3") as store:
        store.bulk_record(data)
        cut = T0 + 3600 * 1.5
        store.prune(cut)
        with store.reading() as conn:
            rows = raw_rows(conn)
            assert rows and min(r[0] for r in rows) >= math.floor(cut / 3600) * 3600
            assert len(rows) == sum(s.timestamp >= math.floor(cut / 3600) * 3600 for s in data)
            for aggregation in ("count", "sum", "percentile_99"):
                tree = metrics_tree(conn, "operation_latency", Selection(), aggregation, 60, 10**6)
                assert_matches(tree, expected_latency(rows, aggregation), aggregation)
