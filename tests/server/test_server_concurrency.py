"""Concurrent readers while the workload writes: no errors, no torn reads (short version)."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from wal_telemetry_server.testing import RunningServer

from .conftest import API

CLIENTS = 4
SECONDS = 3.0


def queries(now: float) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/realtime", {}),
        ("/metrics", {"metric_type": "operation_latency", "start_time": now - 300}),
        ("/metrics", {"aggregation": "percentile_95", "start_time": now - 3600}),
        ("/metrics", {"metric_type": "operation_count", "status": "success", "aggregation": "sum"}),
        (
            "/timeseries",
            {"metric_type": "throughput", "start_time": now - 7200, "end_time": now, "step": 600},
        ),
    ]


def test_four_clients_read_while_the_workload_writes(wal_telemetry_server: RunningServer) -> None:
    errors: list[str] = []
    done = [0] * CLIENTS
    deadline = time.monotonic() + SECONDS

    def client(index: int) -> None:
        with httpx.Client(base_url=wal_telemetry_server.url + API, timeout=30) as http:
            step = index
            while time.monotonic() < deadline:
                path, params = queries(time.time())[step % 5]
                step += 1
                try:
                    response = http.get(path, params=params)
                    if response.status_code != 200 or response.json().get("success") is not True:
                        errors.append(f"{path} {response.status_code} {response.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path} {exc!r}")
                done[index] += 1

    before = httpx.get(wal_telemetry_server.url + API + "/realtime", timeout=30).json()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    after = httpx.get(wal_telemetry_server.url + API + "/realtime", timeout=30).json()
    assert errors == []
    assert all(n >= 3 for n in done), done
    assert after["timestamp"] > before["timestamp"]
