"""A telemetry dashboard in one script: the five things the WAL telemetry client is for.

1. real-time monitoring, 2. performance charts, 3. time-series analysis, 4. a full report,
5. alerts on metrics that cross thresholds.

Run it against any server that speaks the WAL telemetry API:

    WAL_TELEMETRY_API_URL=http://127.0.0.1:8000 python examples/dashboard.py --output dashboard

(`wal-telemetry serve --demo` starts a reference server with a simulated workload.)
"""

import argparse
from pathlib import Path

from wal_telemetry_sdk import TelemetryMetricType, WALTelemetryClient
from wal_telemetry_sdk.alerts import AlertEvent
from wal_telemetry_sdk.models import RealtimeMetrics

ALERT_RULES = [
    "operation_latency.percentile_95 > 500 for 3",  # ms, three ticks in a row
    "success_rate.value < 0.99",
    "error_rate.value > 0.05",
    "queue_size.value > 100",
]


def show(metrics: RealtimeMetrics, iteration: int) -> None:
    """Print one line per tick, as a dashboard's status bar would."""
    latency = metrics["operation_latency"]
    print(
        f"[{iteration}] latency avg {latency['average'] or 0:.1f} ms, "
        f"p95 {latency['percentile_95'] or 0:.1f} ms, "
        f"success {(metrics['success_rate']['value'] or 0) * 100:.2f}%"
    )


def alert(event: AlertEvent) -> None:
    print(f"ALERT {event.state.upper()}: {event.rule.name} (value {event.value})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("dashboard"))
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of monitoring")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)

    with WALTelemetryClient() as client:  # WAL_TELEMETRY_API_URL, or http://localhost:8000
        print("1 + 5. Real-time monitoring with alerts")
        client.monitor_realtime(
            show,
            interval=args.interval,
            duration=args.duration,
            alerts=ALERT_RULES,
            on_alert=alert,
            on_error=lambda error, iteration: print(f"[{iteration}] unavailable: {error}"),
        )

        print("2. Performance charts")
        for metric in (
            TelemetryMetricType.OPERATION_LATENCY,
            TelemetryMetricType.THROUGHPUT,
            TelemetryMetricType.ERROR_RATE,
        ):
            chart = client.get_visualization(metric, save_path=args.output / f"{metric}.png")
            print(f"   {chart.saved_path} ({chart.source})")

        print("3. Time-series analysis: latency per hour over the last 24 h")
        series = client.get_metrics_over_time(
            TelemetryMetricType.OPERATION_LATENCY, interval="hour"
        ).series
        for labels, trend in series.trend().items():
            spikes = sum(series.anomalies(window=8)[labels])
            change = "n/a" if trend.percent_change is None else f"{trend.percent_change:+.1f}%"
            print(f"   {':'.join(labels):<16} change {change:>8}, {spikes} anomalous hours")

        print("4. A full report of the last 24 h")
        poller = client.begin_generate_report()
        poller.result(timeout=300)
        files = client.download_report(poller.report_id, args.output / "report")
        print(f"   {len(files)} files in {args.output / 'report'}; open report.html")


if __name__ == "__main__":
    main()
