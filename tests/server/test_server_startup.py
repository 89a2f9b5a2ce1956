"""Refusing to start on unsafe settings, with one line that names the problem."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from wal_telemetry_server.security import API_KEY_ENV
from wal_telemetry_server.testing import READY

SERVER = [sys.executable, "-m", "wal_telemetry_server"]


def refused(args: list[str], env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Exit code and stderr lines of a server start that is expected to fail at once."""
    environ = {k: v for k, v in os.environ.items() if k != API_KEY_ENV} | (env or {})
    result = subprocess.run(
        [*SERVER, "--port", "0", *args], capture_output=True, text=True, timeout=60, env=environ
    )
    assert "listening" not in result.stdout
    return result.returncode, result.stderr.splitlines()


@pytest.mark.parametrize("key", ["", "   "])
def test_an_empty_api_key_option_refuses_to_start(key: str) -> None:
    code, lines = refused(["--db", ":memory:", "--api-key", key])
    assert code != 0
    assert len(lines) == 1 and "--api-key is empty" in lines[0], lines


def test_an_empty_api_key_variable_refuses_to_start() -> None:
    code, lines = refused(["--db", ":memory:"], env={API_KEY_ENV: ""})
    assert code != 0
    assert len(lines) == 1 and f"{API_KEY_ENV} is empty" in lines[0], lines


def test_no_key_on_a_non_loopback_address_warns_loudly(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k != API_KEY_ENV}
    process = subprocess.Popen(
        [*SERVER, "--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "t.sqlite3")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    try:
        assert process.stdout is not None
        assert READY.search(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "WARNING: listening on 0.0.0.0 without an API key" in err, err
