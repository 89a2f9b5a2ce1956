"""`wal-telemetry exporter` and `wal-telemetry alerts export` as a user runs them."""

import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from wal_telemetry_sdk.cli import main

from .conftest import parse_samples

LISTENING = re.compile(r"listening on (http://\S+)")
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def readme_commands() -> list[str]:
    """The commands of the README's "Prometheus and Grafana" section."""
    section = README.read_text().split("## Prometheus and Grafana", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"^```bash\n(.*?)^```", section, flags=re.DOTALL | re.MULTILINE)
    return block.strip().splitlines()


def test_readme_commands_name_files_that_exist() -> None:
    exporter, prometheus, grafana = readme_commands()
    assert exporter.startswith("wal-telemetry exporter --target http://127.0.0.1:8000")
    for path in re.findall(r"integrations/[\w./-]+", prometheus + grafana):
        assert (ROOT / path).exists(), path


def test_readme_exporter_command_serves_metrics_and_stops_on_sigterm(
    wal_telemetry_server: Any,
) -> None:
    """The README's exporter command, pointed at the test server and a free port."""
    words = shlex.split(readme_commands()[0].removesuffix("&"))
    assert words[:2] == ["wal-telemetry", "exporter"]
    words = [wal_telemetry_server.url if w == "http://127.0.0.1:8000" else w for w in words]
    command = [sys.executable, "-m", "wal_telemetry_sdk.cli", *words[1:], "--listen", "127.0.0.1:0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = LISTENING.search(line)
        assert match, line + process.stderr.read() if process.stderr else line
        answer = httpx.get(match.group(1) + "/metrics", timeout=30)
        assert parse_samples(answer.text)[("wal_telemetry_up", frozenset())] == 1.0
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(20)
    assert code == 0


def test_exporter_refuses_an_api_key_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--api-key", "secret", "exporter", "--target", "http://127.0.0.1:1")
    assert code == 2
    assert "WAL_TELEMETRY_API_KEY" in err and "secret" not in err


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ([], "give at least one --target"),
        (["--target", "http://k:s@node"], "--target/--allow.*credentials"),
        (["--target", "http://node", "--listen", "node"], "--listen.*HOST:PORT"),
        (["--target", "http://node", "--scrape-timeout", "0"], "--scrape-timeout"),
        (["--config", "/nonexistent.toml"], "--config.*cannot read config file"),
    ],
)
def test_exporter_mistakes_end_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], problem: str
) -> None:
    code, _, err = run(capsys, "exporter", *args)
    assert code == 2
    assert re.search(problem, err), err
    assert "Traceback" not in err


def test_exporter_without_prometheus_client_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['prometheus_client'] = None\n"
        "from wal_telemetry_sdk.cli import main\n"
        "main(['exporter', '--target', 'http://x'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "pip install 'wal-telemetry-sdk[prometheus]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_alerts_export_writes_prometheus_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("# thresholds\nerror_rate.value > 0.05 for 2\n\n")
    output = tmp_path / "out" / "wal.yml"
    code, _, err = run(capsys, "alerts", "export", "operation_latency.percentile_95 > 500 for 3",
                       "--file", str(rules), "--interval", "30s", "--severity", "page",
                       "--output", str(output))  # fmt: skip
    assert code == 0, err
    group = yaml.safe_load(output.read_text())["groups"][0]
    assert [(rule["expr"], rule.get("for")) for rule in group["rules"]] == [
        ("wal_overall_latency_seconds_p95 > 0.5", "60s"),
        ("wal_overall_error_rate > 0.05", "30s"),
    ]
    assert {rule["labels"]["severity"] for rule in group["rules"]} == {"page"}
    code, out, _ = run(capsys, "alerts", "export", "success_rate.value < 0.99")
    assert code == 0 and "wal_overall_success_rate < 0.99" in out


def test_alerts_export_names_an_unknown_field_and_the_valid_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "alerts", "export", "throughput.valu > 0")
    assert code == 2 and out == ""
    assert "'throughput.valu'" in err and "throughput.value" in err and "Traceback" not in err
