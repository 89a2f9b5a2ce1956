"""Starting and stopping: the ready line, clean SIGTERM/SIGINT, no lost samples, `:memory:`."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API


def stored_operations(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM operations").fetchone()[0])


def test_sigterm_keeps_every_written_sample(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with running_server(demo=True, db_path=db) as server:
        time.sleep(2.0)  # live operations are being written
        before = stored_operations(db)
        realtime = httpx.get(server.url + API + "/realtime", timeout=30).json()
        assert realtime["operation_count"]["value"] > 0
        assert server.stop() == 0
    after = stored_operations(db)
    assert after >= before > 0
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_restart_keeps_data_and_does_not_reseed(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with running_server(demo=True, db_path=db) as server:
        server.stop()
        first = stored_operations(db)
        server.start()
        assert server.running
        server.stop()
        assert stored_operations(db) < first * 1.5  # history kept, not seeded a second time


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wal_telemetry_server", "--host", "127.0.0.1", *args]


def test_command_line_prints_the_url_and_stops_on_sigint(tmp_path: Path) -> None:
    process = subprocess.Popen(
        command("--port", "0", "--db", ":memory:", "--demo", "--seed", "7"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(
            r"WAL telemetry server listening on (http://127\.0\.0\.1:(\d+))\n", line
        )
        assert match and int(match.group(2)) > 0, line
        body = httpx.get(
            match.group(1) + API + "/metrics?metric_type=throughput&aggregation=count"
        ).json()
        assert body["metrics"]["overall"] > 1000  # 24 h of history in memory
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert list(tmp_path.iterdir()) == []  # :memory: writes no database file


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "wal-telemetry-server"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for option in ("--host", "--port", "--db", "--demo", "--seed", "--api-key"):
        assert option in result.stdout


def test_a_busy_port_fails_fast(tmp_path: Path) -> None:
    with running_server(demo=False, db_path=tmp_path / "a.sqlite3") as server:
        result = subprocess.run(
            command("--port", str(server.port), "--db", str(tmp_path / "b.sqlite3")),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "listening" not in result.stdout


def test_responses_are_not_held_back_by_nagle(wal_telemetry_server: RunningServer) -> None:
    # Without TCP_NODELAY a response written in two parts waits for a delayed ACK (~40 ms).
    timings = []
    with httpx.Client(base_url=wal_telemetry_server.url + API, timeout=30) as client:
        for _ in range(15):
            started = time.perf_counter()
            assert client.get("/config").status_code == 200
            timings.append(time.perf_counter() - started)
    assert min(timings) < 0.03, timings
