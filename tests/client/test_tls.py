"""HTTPS on both clients: a TLS server on loopback with a self-signed certificate
(`tests/fixtures/tls`, valid for 127.0.0.1 only), verified or not as the client is told."""

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients import Kind, make_client
from wal_telemetry_sdk import APIConnectionError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BODY = (FIXTURES / "responses" / "getRealtimeMetrics.reference.json").read_bytes()


class RealtimeOnly(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept-alive connections, as real servers keep them

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def https_url() -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(FIXTURES / "tls" / "loopback.crt", FIXTURES / "tls" / "loopback.key")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RealtimeOnly)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_https_without_verification_reads_typed_results(https_url: str, client_kind: Kind) -> None:
    with make_client(client_kind, https_url, verify_ssl=False, max_retries=0) as client:
        first, second = client.get_realtime_metrics(), client.get_realtime_metrics()
    assert first.success and first == second
    assert first.operation_latency.average == pytest.approx(12.0)


def test_an_unverified_certificate_is_a_connection_error(https_url: str, client_kind: Kind) -> None:
    client = make_client(client_kind, https_url, max_retries=0)
    with client, pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        client.get_realtime_metrics()
