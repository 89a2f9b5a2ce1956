"""Every `wal-telemetry` command against the reference server, plus its error handling."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wal_telemetry_sdk.charts import png_size


def test_realtime_prints_a_table_and_json(run: Any) -> None:
    table = run("realtime")
    assert table.code == 0
    assert "latency p95" in table.out and "success rate" in table.out
    data = json.loads(run("realtime", "--json").out)
    assert data["operation_latency"]["count"] > 0
    assert 0 <= data["success_rate"]["value"] <= 1


def test_metrics_filters_and_aggregates(run: Any) -> None:
    result = run(
        "metrics",
        "--type",
        "operation_latency",
        "--operation",
        "append",
        "--backend",
        "json",
        "--status",
        "success",
        "--start",
        "2h",
        "--aggregation",
        "average",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data["metrics"]) == ["append"]
    assert data["metrics"]["append"]["json"] > 0
    assert "append:json" in run("metrics", "--type", "operation_latency", "--start", "1h").out


def test_timeseries_table_and_csv(run: Any, tmp_path: Path) -> None:
    table = run("timeseries", "operation_latency", "--interval", "hour")
    assert table.code == 0, table.err
    assert "slope/h" in table.out
    target = tmp_path / "latency.csv"
    result = run("timeseries", "throughput", "--interval", "6h", "--csv", str(target))
    assert result.code == 0, result.err
    rows = list(csv.DictReader(target.open()))
    assert rows and {row["series"] for row in rows}
    assert len({row["timestamp"] for row in rows}) == 4


def test_monitor_runs_for_a_duration_and_reports_alerts_in_their_units(run: Any) -> None:
    result = run(
        "monitor",
        "--interval",
        "0.3",
        "--duration",
        "1",
        "--alert",
        "operation_latency.percentile_95>=0",
        "--alert",
        "operation_latency.count>=0",
    )
    assert result.code == 0, result.err
    assert re.search(r"FIRING .*percentile_95.*: [0-9.,]+ ms \(threshold 0\.00 ms\)", result.out)
    assert re.search(
        r"FIRING .*count.*: [0-9,]+ operations? \(threshold 0 operations?\)", result.out
    )


def test_report_waits_and_downloads_every_file(run: Any, tmp_path: Path) -> None:
    result = run("report", "--start", "6h", "--output", str(tmp_path / "report"))
    assert result.code == 0, result.err
    files = {path.name for path in (tmp_path / "report").iterdir()}
    assert {"report.html", "index.html", "report.json"} <= files
    assert any(name.endswith(".png") for name in files)


def test_report_thresholds_from_the_command_line_reach_the_report(run: Any, tmp_path: Path) -> None:
    options = ["--max-p95-ms", "1.5", "--min-success-rate", "0.995", "--max-queue-size", "7"]
    result = run("report", "--start", "1h", "--output", str(tmp_path / "r"), *options)
    assert result.code == 0, result.err
    headline = json.loads((tmp_path / "r" / "report.json").read_text())["headline"]
    assert headline["thresholds"] == {
        "max_latency_p95_ms": 1.5,
        "min_success_rate": 0.995,
        "max_queue_size": 7.0,
    }


@pytest.mark.parametrize(
    ("flag", "value"), [("--min-success-rate", "99.5"), ("--max-p95-ms", "-1")]
)
def test_a_threshold_out_of_range_is_refused_by_flag_name(run: Any, flag: str, value: str) -> None:
    result = run("report", flag, value)
    assert result.code == 2
    assert f"Invalid value for '{flag}'" in result.err and "range" in result.err


def test_chart_writes_a_png_of_the_requested_size(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "throughput.png"
    result = run("chart", "throughput", "--output", str(target), "--width", "6", "--height", "4")
    assert result.code == 0, result.err
    assert png_size(target.read_bytes()) == (600, 400)
    client_side = tmp_path / "client.png"
    assert run("chart", "error_rate", "--source", "client", "--output", str(client_side)).code == 0
    assert png_size(client_side.read_bytes()) == (1200, 800)


def test_config_get_and_set(run: Any) -> None:
    before = json.loads(run("config", "get", "--json").out)
    changed = run("config", "set", "sampling_interval=30", "enable_detailed_timing=false")
    assert changed.code == 0, changed.err
    after = json.loads(run("config", "get", "--json").out)
    assert after["sampling_interval"] == 30 and after["enable_detailed_timing"] is False
    run(
        "config",
        "set",
        f"sampling_interval={before['sampling_interval']}",
        f"enable_detailed_timing={str(before['enable_detailed_timing']).lower()}",
    )


def test_bad_input_is_one_clear_line_and_a_non_zero_exit(run: Any) -> None:
    bad_setting = run("config", "set", "retention_days=0")
    assert bad_setting.code != 0
    assert "retention_days" in bad_setting.err and "Traceback" not in bad_setting.err
    bad_metric = run("chart", "disk_usage")
    assert bad_metric.code != 0 and "operation_latency" in bad_metric.err
    bad_time = run("metrics", "--start", "yesterday-ish")
    assert bad_time.code != 0 and "ISO 8601" in bad_time.err


def test_network_errors_exit_non_zero_without_traceback() -> None:
    env = {
        **os.environ,
        "WAL_TELEMETRY_API_URL": "http://127.0.0.1:9",
        "WAL_TELEMETRY_TIMEOUT": "2",
    }
    done = subprocess.run(
        [sys.executable, "-m", "wal_telemetry_sdk.cli", "realtime"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "cannot connect to http://127.0.0.1:9/api/v0/wal/telemetry/realtime" in done.stderr


def test_help_imports_neither_matplotlib_nor_pandas() -> None:
    code = (
        "import sys; from wal_telemetry_sdk.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("[]"), done.stdout
    assert "realtime" in done.stdout and "timeseries" in done.stdout


def test_serve_starts_a_server_that_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal

    import httpx

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wal_telemetry_sdk.cli",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "serve.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:"), line
        assert httpx.get(f"{url}/api/v0/wal/telemetry/config", timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_demo_writes_charts_report_and_summary(tmp_path: Path) -> None:
    output = tmp_path / "demo-output"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wal_telemetry_sdk.cli",
            "demo",
            "--output",
            str(output),
            "--ticks",
            "3",
            "--interval",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = json.loads((output / "summary.json").read_text())
    assert len(summary["charts"]) == 8
    for chart in summary["charts"]:
        assert png_size(Path(chart).read_bytes()) == (1200, 800)
    report = output / "report"
    listed = json.loads((report / "report.json").read_text())
    assert (report / "report.html").is_file()
    assert summary["report_files"] and all(Path(p).is_file() for p in summary["report_files"])
    assert listed
