"""Both clients against hostile and broken servers: bounded calls, bounded memory, honest files.

Trickles and bombs come from a real socket server on loopback (`tests/fault_server.py`); faults
a socket cannot stage (a transport error quoting the request's headers) use httpx's
MockTransport.
"""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients import Kind, close_http, make_client, mock_http
from tests.fault_server import hostile_server
from wal_telemetry_sdk import APIConnectionError, APIResponseValidationError, APITimeoutError

ROOT = Path(__file__).resolve().parents[2]
KEY = "S3cr3t-do-not-print-7731"
PREFIX = "/api/v0/wal/telemetry"


@pytest.mark.parametrize("fault", ["trickled-body", "trickled-headers"])
def test_the_timeout_bounds_the_whole_call(fault: str, client_kind: Kind) -> None:
    timeout = 2.0
    with hostile_server(fault) as url, make_client(client_kind, url, timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as raised:
            client.get_realtime_metrics()
        elapsed = time.monotonic() - started
    assert timeout * 0.9 <= elapsed < timeout + 1.5, elapsed  # the server would go on for 30 s
    assert isinstance(raised.value, TimeoutError)


BOMB = """
import asyncio, sys
from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
url, kind = sys.argv[1], sys.argv[2]
try:
    if kind == "sync":
        with WALTelemetryClient(url, max_retries=0) as client:
            client.get_realtime_metrics()
    else:
        async def main():
            async with AsyncWALTelemetryClient(url, max_retries=0) as client:
                await client.get_realtime_metrics()
        asyncio.run(main())
    outcome = "result"
except Exception as error:
    outcome = type(error).__name__
# VmHWM is this program's own peak: ru_maxrss would count the test process it was forked from.
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(outcome, int(peak.split()[1]) // 1024)
"""


def test_a_gzip_bomb_stops_at_the_size_cap(client_kind: Kind) -> None:
    """256 MiB of zeros in 260 kB of gzip: refused at the 64 MiB cap, in a fresh process."""
    with hostile_server("gzip-bomb") as url:
        done = subprocess.run(
            [sys.executable, "-c", BOMB, url, client_kind],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    outcome, peak_mib = done.stdout.split()
    assert outcome == "APIResponseValidationError", done.stderr[-2000:]
    assert int(peak_mib) < 150, f"peak resident memory {peak_mib} MiB"  # 64 MiB cap + the SDK


@pytest.mark.parametrize(
    ("fault", "call"),
    [
        ("deep-json", lambda client, tmp: client.get_realtime_metrics()),
        ("nan", lambda client, tmp: client.get_realtime_metrics()),
        ("hostile-names", lambda client, tmp: client.get_report_status("r1")),
        ("hostile-names", lambda client, tmp: client.download_report("r1", tmp / "r1")),
        (
            "html-as-png",
            lambda client, tmp: client.get_visualization("throughput", save_path=tmp / "c.png"),
        ),
        (
            "html-page",
            lambda client, tmp: client.get_report_file("r1", "c.png", save_path=tmp / "c.png"),
        ),
    ],
    ids=["deep-json", "nan", "unsafe-file-name", "download-unsafe-name", "html-chart", "html-png"],
)
def test_bodies_that_are_not_what_they_claim_are_validation_errors(
    fault: str, call: Any, client_kind: Kind, tmp_path: Path
) -> None:
    with (
        hostile_server(fault) as url,
        make_client(client_kind, url, max_retries=0) as client,
        pytest.raises(APIResponseValidationError),
    ):
        call(client, tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_an_api_key_read_from_a_file_is_stripped(client_kind: Kind) -> None:
    sent: list[str] = []

    def remember(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(200, json={"success": True, "config": {}})

    http = mock_http(client_kind, remember)
    with make_client(client_kind, "http://wal.test", api_key=f"{KEY}\n", http_client=http) as c:
        c.get_config()
    close_http(http)
    assert sent == [f"Bearer {KEY}"]


@pytest.mark.parametrize("bad", [f"{KEY[:6]}\n{KEY[6:]}", f"{KEY} x", f"{KEY}\x00", f"{KEY}é"])
def test_an_api_key_no_header_can_carry_is_refused_without_echoing_it(
    bad: str, client_kind: Kind
) -> None:
    with pytest.raises(ValueError, match="api_key has") as raised:
        make_client(client_kind, "http://wal.test", api_key=bad)
    assert KEY[:6] not in str(raised.value) and KEY[6:] not in str(raised.value)


def test_credentials_are_redacted_from_connection_errors(client_kind: Kind) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError(f"Illegal header value {request.headers['authorization']!r}")

    http = mock_http(client_kind, refuse)
    with (
        make_client(client_kind, "http://wal.test", api_key=KEY, http_client=http) as client,
        pytest.raises(APIConnectionError) as raised,
    ):
        client.get_config()
    close_http(http)
    assert "<redacted>" in str(raised.value) and KEY not in str(raised.value)
    assert KEY not in repr(raised.value)


def test_a_timed_out_download_stops_polling(client_kind: Kind, tmp_path: Path) -> None:
    polls: list[float] = []

    def still_running(request: httpx.Request) -> httpx.Response:
        polls.append(time.monotonic())
        body = {"success": True, "report_id": "r1", "status": "running", "files": []}
        return httpx.Response(200, content=json.dumps(body).encode())

    http = mock_http(client_kind, still_running)
    with make_client(client_kind, "http://wal.test", http_client=http) as client:
        with pytest.raises(APITimeoutError, match="r1"):
            client.download_report("r1", tmp_path / "r1", timeout=0.5)
        count = len(polls)
        time.sleep(1.2)  # the poller checks every 0.5 s: two more polls if it were still going
        assert len(polls) <= count + 1
    close_http(http)
    assert list(tmp_path.iterdir()) == []
