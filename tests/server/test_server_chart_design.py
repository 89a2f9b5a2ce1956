"""The server's charts from its store, in the shared design: bucket totals add up, latency is
each bucket's median and p95, health lanes show each bucket's worst state, empty says so."""

from __future__ import annotations

import math
import sqlite3
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest

from wal_telemetry_sdk.chart_design import EMPTY_MESSAGE, OTHERS_COLOUR, TOP_SERIES, health_state
from wal_telemetry_server.chartdata import chart_for, charts_for
from wal_telemetry_server.demo import DAY, seed_database
from wal_telemetry_server.model import METRIC_TYPES, Selection
from wal_telemetry_server.queries import count_operations
from wal_telemetry_server.store import TelemetryStore

END = 1_796_083_200.0 + 4 * 3600  # 2026-12-01 04:00 UTC
WINDOW = Selection(start_time=END - DAY, end_time=END)
INTERVAL = 60


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    db: Path = tmp_path_factory.mktemp("chart-design") / "telemetry.sqlite3"
    seed_database(db, seed=42, end=END)
    with TelemetryStore(db) as store, store.reading() as connection:
        yield connection


def test_every_type_has_the_top_series_and_others_in_distinct_colours(conn) -> None:
    models = charts_for(conn, METRIC_TYPES, WINDOW, INTERVAL)
    assert set(models) == set(METRIC_TYPES)
    for metric_type, model in models.items():
        assert model.subtitle.startswith("2026-11-30 04:00 to 2026-12-01 04:00 UTC")
        assert model.empty_message is None, metric_type
        colours = [line.colour for line in model.lines]
        assert len(colours) == len(set(colours)) <= TOP_SERIES + 1
    latency = models["operation_latency"]
    assert len(latency.lines) == TOP_SERIES + 1 and latency.lines[-1].colour == OTHERS_COLOUR
    assert "top 8 of 14 series by p95" in latency.subtitle


def test_the_bars_of_operation_count_add_up_to_every_operation(conn) -> None:
    model = chart_for(conn, "operation_count", WINDOW, INTERVAL)
    drawn = math.fsum(v for line in model.lines for v in line.values if not math.isnan(v))
    assert drawn == count_operations(conn, WINDOW)
    assert model.bucket_seconds == 900 and model.y_label == "Operations per 15 min"


def test_latency_is_each_buckets_median_and_p95_in_milliseconds(conn) -> None:
    model = chart_for(conn, "operation_latency", WINDOW, INTERVAL)
    step = model.bucket_seconds
    assert step is not None
    checked = 0
    for line in model.lines[:-1]:
        op, backend = line.name.split(" / ")
        assert line.high is not None
        for start, median, p95 in list(zip(line.times, line.values, line.high, strict=True))[::9]:
            rows = conn.execute(
                "SELECT latency FROM operations WHERE operation_type = ? AND backend = ?"
                " AND ts >= ? AND ts < ? ORDER BY latency",
                (op, backend, max(start, WINDOW.start_time), start + step),
            ).fetchall()
            if len(rows) < 20 or math.isnan(median):
                continue
            exact = [r[0] * 1000 for r in rows]
            assert median == pytest.approx(statistics.median(exact), rel=0.05)
            assert p95 == pytest.approx(
                statistics.quantiles(exact, n=20, method="inclusive")[-1], rel=0.05
            )
            checked += 1
    assert checked >= 3


def test_health_lanes_show_each_buckets_worst_state(conn) -> None:
    model = chart_for(conn, "backend_health", WINDOW, INTERVAL)
    assert model.kind == "state" and model.lanes == ("ipfs", "json", "local", "s3", "storacha")
    step = model.bucket_seconds
    assert step is not None
    states = {span.state for span in model.spans}
    assert {"online", "degraded"} <= states
    worst = conn.execute(
        "SELECT backend, CAST((ts - ?) / ? AS INTEGER) AS b, MIN(value) FROM gauges"
        " WHERE name = 'health' AND ts >= ? AND ts < ? GROUP BY backend, b",
        (END - DAY, step, END - DAY, END),
    ).fetchall()
    assert len(worst) > 400
    for backend, bucket, value in worst:
        middle = END - DAY + (bucket + 0.5) * step
        (span,) = [
            s for s in model.spans if s.lane == backend and s.start <= middle < s.end
        ]  # fmt: skip
        assert span.state == health_state(value), (backend, bucket)


def test_an_empty_selection_says_so_with_its_filters(conn) -> None:
    nothing = Selection(backend="nowhere", start_time=END - DAY, end_time=END)
    for metric_type in ("operation_latency", "backend_health", "queue_size"):
        model = chart_for(conn, metric_type, nothing, INTERVAL)
        assert model.empty_message == EMPTY_MESSAGE and not model.lines and not model.spans
        assert model.subtitle.endswith("backend=nowhere")
    unbounded = chart_for(conn, "throughput", Selection(operation_type="nothing"), INTERVAL)
    assert unbounded.empty_message == EMPTY_MESSAGE
