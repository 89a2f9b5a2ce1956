"""A command line without tracebacks: each mistake is one line in the user's words, with the
valid choices and a non-zero exit; stale readings are marked; units are named."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from wal_telemetry_server.testing import running_server

from .conftest import Run


def one_line(result: Run) -> str:
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    return result.err


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["config", "set", "foo=1"], 2, ["unknown setting 'foo'", "retention_days"]),
        (["config", "set", "retention_dys=3"], 2, ["did you mean retention_days?"]),
        (["metrics", "--start", "1h", "--end", "2h"], 2, ["--start", "is not before --end"]),
        (["timeseries", "throughput", "--start", "1h", "--end", "2h"], 2, ["--start"]),
        (["timeseries", "operation_latency", "--interval", "1s"], 2, ["--interval", "86,400"]),
        (
            ["metrics", "--type", "operation_latency", "--operation", "apend"],
            2,
            ["--operation", "did you mean append?", "known: add, append"],
        ),
        (["metrics", "--type", "error_rate", "--backend", "ipfss"], 2, ["did you mean ipfs?"]),
        (["monitor", "--alert", "latency >> 5", "--duration", "1"], 2, ["--alert", "<op>"]),
    ],
)
def test_each_mistake_is_one_line_naming_the_flag_and_the_choices(
    run: Any, args: list[str], code: int, words: list[str]
) -> None:
    result = run(*args)
    assert result.code == code, result.err
    if code:
        line = one_line(result)
        assert line.startswith("error: ")
        for word in words:
            assert word in line


@pytest.mark.parametrize("rule", ["throughput.valu > 0", "latency>5"])
def test_an_alert_on_a_field_that_is_not_a_number_is_refused_before_any_request(
    run: Any, rule: str
) -> None:
    result = run("monitor", "--alert", rule, "--duration", "1", url="http://127.0.0.1:9")
    assert result.code == 2  # not 1: nothing was sent to the closed port
    line = one_line(result)
    assert "--alert" in line and "throughput.value" in line
    assert "operation_latency.percentile_95" in line


def test_a_url_with_the_api_path_gets_a_hint_to_use_the_server_root(
    run: Any, wal_telemetry_server: Any
) -> None:
    result = run("realtime", url=wal_telemetry_server.url + "/api/v0/wal/telemetry")
    assert result.code == 2
    assert f"--url {wal_telemetry_server.url}" in one_line(result)


def test_a_wrong_port_names_the_url_that_failed(run: Any) -> None:
    result = run("realtime", url="http://127.0.0.1:9")
    assert result.code == 1
    assert "cannot connect to http://127.0.0.1:9/api/v0/wal/telemetry/realtime" in one_line(result)


def test_chart_output_into_a_missing_folder_creates_it(run: Any, tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "latency.png"
    result = run("chart", "operation_latency", "--output", str(target), "--width", "4")
    assert result.code == 0, result.err
    assert target.read_bytes()[:4] == b"\x89PNG"


def test_tables_name_their_units(run: Any) -> None:
    realtime = run("realtime").out
    assert " ms" in realtime and "%" in realtime and "ops/s" in realtime
    metrics = run("metrics", "--type", "operation_latency", "--start", "1h").out
    assert "latency (ms)" in metrics
    series = run("timeseries", "success_rate", "--interval", "6h", "--no-sparkline").out
    assert "success rate (%)" in series and "%" in series


def core_only(blocked: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a Python where `blocked` modules are not installed, as after a core install."""
    prelude = f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=60
    )


def test_a_core_only_install_names_the_extra_in_one_line() -> None:
    cli = core_only(("click", "rich"), "from wal_telemetry_sdk.cli import main\nmain(['realtime'])")
    assert cli.returncode == 1 and cli.stderr.count("\n") == 1, cli.stderr
    assert "pip install 'wal-telemetry-sdk[cli]'" in cli.stderr
    server = core_only(
        ("starlette", "uvicorn", "matplotlib"),
        "from wal_telemetry_server.entry import main\nraise SystemExit(main(['--port', '0']))",
    )
    assert server.returncode == 1 and server.stderr.count("\n") == 1, server.stderr
    assert "pip install 'wal-telemetry-sdk[server]'" in server.stderr
    serve = core_only(
        ("starlette", "uvicorn"), "from wal_telemetry_sdk.cli import main\nmain(['serve'])"
    )
    assert serve.returncode == 1 and "wal-telemetry-sdk[server]" in serve.stderr, serve.stderr


def test_monitor_marks_the_table_stale_when_the_server_dies_and_exits_1(tmp_path: Path) -> None:
    with running_server(demo=False, db_path=tmp_path / "dying.sqlite3") as server:
        env = {**os.environ, "COLUMNS": "120", "WAL_TELEMETRY_TIMEOUT": "1"}
        command = [sys.executable, "-m", "wal_telemetry_sdk.cli", "--url", server.url, "monitor"]
        monitor = subprocess.Popen(
            [*command, "--interval", "0.3", "--duration", "7"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(4)  # the command starts and reads a few times, then the server dies
        server.stop()
    out, err = monitor.communicate(timeout=60)
    assert monitor.returncode == 1, out + err
    assert "STALE" in out and "stale since " in out and "errors" in out
    assert "cannot connect to" in out and "readings failed: " in out
    assert "Traceback" not in out + err


def test_monitor_exits_0_when_every_reading_succeeded(run: Any) -> None:
    result = run("monitor", "--interval", "0.2", "--duration", "0.5")
    assert result.code == 0, result.err
    assert "as of " in result.out and "STALE" not in result.out


def test_serve_writes_into_its_data_folder_not_the_current_one(tmp_path: Path) -> None:
    import signal

    import httpx

    data, elsewhere = tmp_path / "data", tmp_path / "cwd"
    elsewhere.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "wal_telemetry_sdk.cli", "serve", "--port", "0", "--data-dir", data],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=elsewhere,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[-1].strip()
        assert httpx.get(f"{url}/api/v0/wal/telemetry/config", timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert (data / "wal-telemetry.sqlite3").is_file()
    assert list(elsewhere.iterdir()) == []


def test_the_default_data_folder_is_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from wal_telemetry_server.datadir import default_data_dir

    monkeypatch.delenv("WAL_TELEMETRY_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert default_data_dir() == tmp_path / "xdg" / "wal-telemetry"
    monkeypatch.setenv("WAL_TELEMETRY_DATA_DIR", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"
