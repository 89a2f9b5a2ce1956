"""One day of the reference server read every way the SDK offers, in one unit per metric.

Latency is stored and sent in seconds; the SDK hands milliseconds everywhere: real-time
results, stored metrics, time buckets, the charts drawn on either side and the report's tables.
A unit slip anywhere shows as a factor of 1000 between two readings of the same operations.
"""

import math
import re
import sqlite3
import statistics
import time
from typing import Any

import pytest

from tests.clients import Kind, make_client
from wal_telemetry_sdk.chart_design import ChartModel
from wal_telemetry_sdk.charts import chart_model, is_png
from wal_telemetry_sdk.units import axis_label

DAY = 86_400.0
LATENCY = "operation_latency"


def same_unit(readings: dict[str, float], reference: dict[str, float]) -> bool:
    """Whether two readings of the same series by different routes (a day's mean, bucket means,
    the last minute) are in one unit: their typical ratio is near 1, where a slip gives 1000."""
    ratios = [readings[key] / reference[key] for key in readings.keys() & reference.keys()]
    assert ratios, f"no series in common: {sorted(readings)} vs {sorted(reference)}"
    return 1 / 10 < statistics.median(ratios) < 10


def line_means(model: ChartModel) -> dict[str, float]:
    """Each drawn series' mean value, keyed "op:backend" as the other readings are."""
    return {
        line.name.replace(" / ", ":"): statistics.fmean(v for v in line.values if not math.isnan(v))
        for line in model.lines
    }


def report_table(page: str, metric_type: str) -> tuple[list[str], dict[str, list[str]]]:
    """The header and rows of one metric type's table in a report page."""
    section = page.split(f'<h2 id="{metric_type}"', 1)[1].split("<h2", 1)[0]
    header = re.findall(r"<th>(.*?)</th>", section)
    rows = {
        cells[0].replace(" / ", ":"): cells[1:]
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row)
            for row in re.findall(r"<tr><td>.*?</tr>", section)
        )
    }
    return header, rows


@pytest.fixture
def client(wal_telemetry_server: Any, client_kind: Kind) -> Any:
    with make_client(client_kind, wal_telemetry_server.url) as client:
        yield client


def test_one_day_reads_in_milliseconds_everywhere(client: Any, wal_telemetry_server: Any) -> None:
    end = float(int(time.time()) - 300)
    start = end - DAY

    stored = client.get_metrics(LATENCY, time_range=(start, end), aggregation="average")
    assert stored.unit == "ms"
    day_mean = {":".join(s.labels): s.value for s in stored.series if s.value}
    assert day_mean, "the seeded server has no latency for the day"

    over_time = client.get_metrics_over_time(LATENCY, start_time=start, end_time=end, interval=DAY)
    assert over_time.unit == "ms" and over_time.to_pandas().attrs["unit"] == "ms"
    (bucket,) = over_time.time_series
    assert {":".join(s.labels): s.value for s in bucket.series if s.value} == pytest.approx(
        day_mean, rel=1e-6
    )

    realtime = client.get_realtime_metrics()
    assert realtime.operation_latency.unit == "ms"
    last_minute = {key: s.mean for key, s in realtime.latency.items() if s.count and s.mean}
    assert same_unit(last_minute, day_mean)
    counted = [s for s in realtime.latency.values() if s.count and s.mean is not None]
    weighted = sum(s.count * s.mean for s in counted) / sum(s.count for s in counted)
    assert realtime.operation_latency.average == pytest.approx(weighted, rel=1e-3)

    series = client.get_metrics(LATENCY, time_range=(start, end))
    drawn_here = chart_model(series.metrics, LATENCY, (start, end))
    assert same_unit(line_means(drawn_here), day_mean)
    assert drawn_here.y_label == "Latency (ms)"
    assert axis_label(LATENCY) == "latency (ms)"
    for source in ("client", "server"):
        chart = client.get_visualization(LATENCY, time_range=(start, end), source=source)
        assert chart.source == source and is_png(chart.content)

    from wal_telemetry_server.chartdata import chart_for
    from wal_telemetry_server.model import Selection

    with sqlite3.connect(f"file:{wal_telemetry_server.db_path}?mode=ro", uri=True) as conn:
        drawn_there = chart_for(conn, LATENCY, Selection(start_time=start, end_time=end), 60)
    assert drawn_there.y_label == "Latency (ms)"
    assert same_unit(line_means(drawn_there), day_mean)

    poller = client.begin_generate_report(start, end)
    poller.result(timeout=120)
    page = client.get_report_file(poller.report_id, "report.html").content.decode()
    header, rows = report_table(page, LATENCY)
    assert header[:2] == ["Operation / backend", "Average (ms)"]
    assert header[-1] == "Operations"
    in_report = {key: float(cells[0].replace(",", "")) for key, cells in rows.items()}
    assert in_report == pytest.approx(day_mean, abs=0.006)
