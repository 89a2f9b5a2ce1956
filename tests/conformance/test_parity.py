"""Live parity: the Python and TypeScript clients read one seeded reference server alike.

The TypeScript client runs in a small Node process (`sdks/typescript/scripts/parity-driver.ts`,
compiled by `make ts-build`) that answers one JSON command per line. Metrics over a fixed past
time range must agree exactly, field by field, apart from `timestamp` (when the server
answered). A real-time snapshot covers a window ending at the moment of the request, so both
clients request it at the same moment and must agree exactly, apart from `timestamp`; a sample
can still enter or leave the window between the two requests, so a differing pair is fetched
again, up to `REALTIME_TRIES` times, and the structure (every key) must agree every time.

Without the compiled client the tests skip, unless `WAL_TELEMETRY_REQUIRE_TS=1` (set by
`make test`), which makes a missing build a failure.
"""

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from itertools import count
from typing import Any, Protocol

import pytest

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_sdk.enums import TelemetryMetricType

from .shared import ROOT, mismatches

DRIVER = ROOT / "sdks" / "typescript" / "dist" / "scripts" / "parity-driver.js"
REALTIME_TRIES = 5
REPLY_TIMEOUT = 30.0
METRIC_TYPES = [member.value for member in TelemetryMetricType]


class Server(Protocol):
    url: str


class Driver:
    """The Node process running the TypeScript client, one JSON line per command and reply."""

    def __init__(self, base_url: str) -> None:
        node = shutil.which("node")
        assert node is not None
        self.process = subprocess.Popen(
            [node, str(DRIVER), base_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.ids = count(1)

    def send(self, operation: str, **args: Any) -> int:
        """Send a command without waiting for its reply; returns its id."""
        command_id = next(self.ids)
        assert self.process.stdin is not None
        self.process.stdin.write(
            json.dumps({"id": command_id, "operation": operation, "args": args})
        )
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return command_id

    def reply(self, command_id: int) -> dict[str, Any]:
        """The reply to a command (commands are answered one at a time here, so in order)."""
        assert self.process.stdout is not None
        timer = threading.Timer(REPLY_TIMEOUT, self.process.kill)
        timer.start()
        try:
            line = self.process.stdout.readline()
        finally:
            timer.cancel()
        assert line, "the TypeScript driver exited"
        reply: dict[str, Any] = json.loads(line)
        assert reply["id"] == command_id
        return reply

    def call(self, operation: str, **args: Any) -> Any:
        """The TypeScript client's result as plain data; its error fails the test."""
        reply = self.reply(self.send(operation, **args))
        assert "error" not in reply, reply["error"]
        return reply["result"]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def driver(wal_telemetry_server: Server) -> Iterator[Driver]:
    if not DRIVER.exists() or shutil.which("node") is None:
        message = f"{DRIVER.relative_to(ROOT)} is not built (run `make ts-build`)"
        if os.environ.get("WAL_TELEMETRY_REQUIRE_TS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    node = Driver(wal_telemetry_server.url)
    yield node
    node.close()


@pytest.fixture(scope="module")
def python_client(wal_telemetry_server: Server) -> Iterator[WALTelemetryClient]:
    with WALTelemetryClient(wal_telemetry_server.url) as client:
        yield client


@pytest.fixture(scope="module")
def window() -> tuple[float, float]:
    """Three hours of seeded history, ending five minutes ago: no longer written to."""
    end = float(int(time.time()) - 300)
    return end - 3 * 3600, end


def _without_timestamp(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "timestamp"}


@pytest.mark.parametrize("aggregation", [None, "average"])
@pytest.mark.parametrize("metric_type", METRIC_TYPES)
def test_metrics_over_a_fixed_range_agree_exactly(
    driver: Driver,
    python_client: WALTelemetryClient,
    window: tuple[float, float],
    metric_type: str,
    aggregation: str | None,
) -> None:
    args: dict[str, Any] = {"metric_type": metric_type, "time_range": list(window)}
    if aggregation:
        args["aggregation"] = aggregation
    python = json.loads(json.dumps(python_client.get_metrics(**args).to_dict()))
    typescript = driver.call("getMetrics", **args)
    assert python["series"], "the seeded server returned no data for the window"
    assert _without_timestamp(typescript) == _without_timestamp(python)


def test_config_agrees_exactly(driver: Driver, python_client: WALTelemetryClient) -> None:
    python = json.loads(json.dumps(python_client.get_config().to_dict()))
    assert _without_timestamp(driver.call("getConfig")) == _without_timestamp(python)


def test_realtime_snapshots_taken_together_agree(
    driver: Driver, python_client: WALTelemetryClient
) -> None:
    differences: list[str] = []
    for _ in range(REALTIME_TRIES):
        command = driver.send("getRealtimeMetrics")
        python = json.loads(json.dumps(python_client.get_realtime_metrics().to_dict()))
        reply = driver.reply(command)
        assert "error" not in reply, reply["error"]
        typescript = reply["result"]
        assert python["latency"], "the seeded server reported no recent operations"
        assert typescript.keys() == python.keys()
        if _without_timestamp(typescript) == _without_timestamp(python):
            return
        differences = mismatches(_without_timestamp(typescript), _without_timestamp(python))
    pytest.fail(f"{REALTIME_TRIES} snapshot pairs differed; the last: {differences}")
