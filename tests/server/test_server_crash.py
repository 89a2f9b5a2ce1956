"""After `kill -9` of the server, its chart workers and multiprocessing's helpers exit too."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from wal_telemetry_server.testing import running_server

from .conftest import API


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc's children lists."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except FileNotFoundError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_workers_exit_when_the_server_is_killed(tmp_path: Path) -> None:
    with running_server(demo=False, db_path=tmp_path / "t.sqlite3") as server:
        url = server.url + API + "/visualization/throughput?width=1&height=1"
        chart = httpx.get(url, timeout=60)
        assert chart.status_code == 200
        helpers = descendants(server.pid)
        assert len(helpers) >= 3, helpers  # two chart workers and the resource tracker
        os.kill(server.pid, signal.SIGKILL)
        try:
            deadline = time.monotonic() + 10
            while any(map(alive, helpers)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not [p for p in helpers if alive(p)], "helpers outlived the server"
        finally:
            for pid in helpers:  # leave nothing behind even when the assertion failed
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
