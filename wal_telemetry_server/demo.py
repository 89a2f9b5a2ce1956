"""`python -m wal_telemetry_server.demo` (and `wal-telemetry demo`): a seeded reference server and
the original client's dashboard flow against it, through the SDK."""

import argparse
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_sdk.alerts import AlertEvent, AlertRule
from wal_telemetry_sdk.cli import render
from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType
from wal_telemetry_sdk.models import RealtimeMetrics
from wal_telemetry_sdk.units import formatted
from wal_telemetry_server.service import ServerOptions
from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.testing import running_server
from wal_telemetry_server.workload import DAY, WalSimulator

Window = tuple[float, float]

TRENDED = (
    TelemetryMetricType.OPERATION_LATENCY,
    TelemetryMetricType.THROUGHPUT,
    TelemetryMetricType.ERROR_RATE,
)


def run_demo(output: Path, *, seed: int, ticks: int, interval: float, console: Console) -> None:
    """Run every step of the dashboard flow and write its outputs under `output`."""
    started = time.monotonic()
    output.mkdir(parents=True, exist_ok=True)
    end = float(int(time.time()))
    day = (end - DAY, end)  # the seeded history: the same figures for a seed on every run
    folder = Path(tempfile.mkdtemp(prefix="wal-telemetry-demo-"))
    try:
        seed_database(folder / "telemetry.sqlite3", seed=seed, end=end)
        with running_server(demo=True, seed=seed, db_path=folder / "telemetry.sqlite3") as server:
            console.print(f"reference server on {server.url} (seed {seed})")
            with WALTelemetryClient(base_url=server.url) as client:
                alerts = monitor_with_alerts(client, day, ticks, interval, console)
                trends = analyse_trends(client, day, console)
                charts = draw_charts(client, day, output / "charts", console)
                report_files = write_report(client, day, output / "report", console)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    summary = {
        "server": server.url,
        "alerts": [event_summary(event) for event in alerts],
        "trends": trends,
        "charts": [str(path) for path in charts],
        "report": str(output / "report" / "report.html"),
        "report_files": [str(path) for path in report_files],
        "seconds": round(time.monotonic() - started, 1),
    }
    (output / "summary.json").write_text(json.dumps(summary, indent=2))
    console.rule("Summary")
    console.print(
        render.key_value_table(
            "demo outputs",
            [
                ("charts", f"{len(charts)} PNGs in {output / 'charts'}"),
                ("report", summary["report"]),
                ("alerts", f"{len(alerts)} events"),
                ("summary", str(output / "summary.json")),
                ("took", f"{summary['seconds']} s"),
            ],
        )
    )


SEEDED_DAYS = 2
"""Days of seeded history: the report's 24 h and the 24 h it is compared with."""


def seed_database(path: Path, *, seed: int, end: float) -> None:
    """`SEEDED_DAYS` of history ending at `end`, the same for a seed whatever the time of day:
    simulated over the UTC days before the latest midnight (the workload follows a daily
    cycle) and moved forward to end at `end`."""
    midnight = end - end % DAY
    shift = end - midnight
    simulator = WalSimulator(seed, ServerOptions().history_rate, 60.0)
    operations, gauges = [], []
    for batch in simulator.history(midnight - SEEDED_DAYS * DAY, midnight):
        operations += [
            replace(s, timestamp=s.timestamp + shift)
            for s in batch.operations
            if s.timestamp < midnight
        ]
        gauges += [replace(g, timestamp=g.timestamp + shift) for g in batch.gauges]
    with TelemetryStore(path) as store:
        store.bulk_record(operations, gauges)


def monitor_with_alerts(
    client: WALTelemetryClient, day: Window, ticks: int, interval: float, console: Console
) -> list[AlertEvent]:
    """Watch real-time metrics for a few ticks; alert when latency runs above its recent norm."""
    console.rule("1. Real-time monitoring with alerts")
    history = client.get_metrics(
        metric_type=TelemetryMetricType.OPERATION_LATENCY,
        aggregation=TelemetryAggregation.AVERAGE,
        time_range=(day[1] - 3600, day[1]),
    )
    averages = [s.value for s in history.series if s.value]  # ms
    norm_ms = statistics.fmean(averages) if averages else 100.0
    rules = [
        AlertRule.parse(f"operation_latency.percentile_95 > {norm_ms * 1.5:.1f} for 2"),
        AlertRule.parse("success_rate.value < 0.99"),
        AlertRule.parse("queue_size.value > 25"),
    ]
    console.print("rules: " + "; ".join(rule.name for rule in rules))
    events: list[AlertEvent] = []

    def show(metrics: RealtimeMetrics, iteration: int) -> None:
        latency = metrics.operation_latency
        console.print(
            f"tick {iteration}: latency avg {formatted('operation_latency', latency.average)}, "
            f"p95 {formatted('operation_latency', latency.percentile_95)}, "
            f"success {formatted('success_rate', metrics.success_rate.value)}, "
            f"throughput {formatted('throughput', metrics.throughput.value)}"
        )

    def alert(event: AlertEvent) -> None:
        events.append(event)
        colour = "red" if event.state == "firing" else "green"
        kind = event.rule.field.split(".", 1)[0]
        console.print(
            f"  [{colour}]{event.state.upper()}[/] {event.rule.name} "
            f"(value {formatted(kind, event.value)})"
        )

    client.monitor_realtime(
        show,
        interval=interval,
        duration=ticks * interval - interval / 2,
        alerts=rules,
        on_alert=alert,
    )
    return events


def analyse_trends(client: WALTelemetryClient, day: Window, console: Console) -> dict[str, Any]:
    """Hourly series over the seeded 24 h, with trends and anomalies per series."""
    console.rule("2. Time-series analysis (24 h, hourly)")
    trends: dict[str, Any] = {}
    for metric in TRENDED:
        start, end = day
        series = client.get_metrics_over_time(
            metric, start_time=start, end_time=end, interval="hour"
        ).series
        console.print(render.timeseries_table(series))
        trends[metric.value] = {
            ":".join(labels): trend.percent_change for labels, trend in series.trend().items()
        }
    return trends


def draw_charts(
    client: WALTelemetryClient, day: Window, directory: Path, console: Console
) -> list[Path]:
    """One chart per metric type over the seeded 24 h, server-rendered where possible."""
    console.rule("3. Charts")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for metric in TelemetryMetricType:
        path = directory / f"{metric.value}.png"
        result = client.get_visualization(metric_type=metric, time_range=day, save_path=str(path))
        console.print(f"{metric.value}: {path} ({result.source}-rendered)")
        paths.append(path)
    return paths


def write_report(
    client: WALTelemetryClient, day: Window, directory: Path, console: Console
) -> list[Path]:
    """Generate a report of the seeded 24 h, wait for it, and download every file."""
    console.rule("4. Report")
    with console.status("writing report…"):
        poller = client.begin_generate_report(*day)
        poller.result(timeout=120)
    paths = client.download_report(poller.report_id, directory)
    console.print(f"report {poller.report_id}: {len(paths)} files in {directory}")
    return paths


def event_summary(event: AlertEvent) -> dict[str, Any]:
    return {
        "rule": event.rule.name,
        "state": event.state,
        "value": event.value,
        "iteration": event.iteration,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the demo."""
    parser = argparse.ArgumentParser(
        prog="wal-telemetry demo",
        description="Start a seeded reference server and run the whole dashboard flow against it.",
    )
    parser.add_argument("--output", type=Path, default=Path("demo-output"), help="output folder")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the workload")
    parser.add_argument("--ticks", type=int, default=5, help="real-time monitoring ticks")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")
    args = parser.parse_args(argv)
    run_demo(
        args.output, seed=args.seed, ticks=args.ticks, interval=args.interval, console=Console()
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
