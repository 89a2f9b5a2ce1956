"""Exporter test helpers: a fixed-answer server on a real socket, and an exporter on loopback."""

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk.exporter.server import Exporter, serve
from wal_telemetry_sdk.exporter.targets import TargetSet

REALTIME_PATH = "/api/v0/wal/telemetry/realtime"


@pytest.fixture(autouse=True)
def no_api_key_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """No WAL_TELEMETRY_* variable from the developer's shell leaks into a test."""
    for name in ("API_URL", "API_KEY", "TIMEOUT", "VERIFY_SSL"):
        monkeypatch.delenv(f"WAL_TELEMETRY_{name}", raising=False)


class FixedServer:
    """A loopback HTTP server that answers `/realtime` with one body, after `delay` seconds.

    It records the headers of every request, so a test can tell what reached it.
    """

    def __init__(self, body: dict[str, Any], delay: float = 0.0) -> None:
        self.body, self.delay = json.dumps(body).encode(), delay
        self.requests: list[dict[str, str]] = []
        self._release = threading.Event()
        fixed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fixed.requests.append(dict(self.headers))
                if fixed.delay:
                    fixed._release.wait(fixed.delay)
                found = self.path == REALTIME_PATH
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(fixed.body) if found else 2))
                self.end_headers()
                self.wfile.write(fixed.body if found else b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "FixedServer":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextmanager
def running_exporter(targets: TargetSet, scrape_timeout: float = 5.0) -> Iterator[str]:
    """An exporter on a free loopback port for the block; yields its base URL."""
    app = Exporter(targets, scrape_timeout)
    server = serve(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        app.close()


def free_port() -> int:
    """A loopback port nobody listens on (a request there is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text format as {(name, labels): value}, with prometheus-client's parser."""
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture(scope="session")
def frozen_realtime(wal_telemetry_server: Any) -> dict[str, Any]:
    """One `/realtime` body of the reference server, as it sent it (its live values move on)."""
    body: dict[str, Any] = httpx.get(wal_telemetry_server.url + REALTIME_PATH, timeout=30).json()
    return body
