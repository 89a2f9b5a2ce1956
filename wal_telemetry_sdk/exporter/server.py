"""The exporter's HTTP server: `/metrics` reads every configured target, `/probe` reads one.

Requests are served by threads; all reads run on one event loop in a background thread, where
each target keeps its async client (and its kept-alive connections) from scrape to scrape.
"""

import asyncio
import math
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import GCCollector, PlatformCollector, ProcessCollector, generate_latest
from prometheus_client.registry import CollectorRegistry

from wal_telemetry_sdk.exporter import families
from wal_telemetry_sdk.exporter.scrape import Reading, TargetReader
from wal_telemetry_sdk.exporter.targets import ProbeRefused, TargetSet

__all__ = ["DEFAULT_SCRAPE_TIMEOUT", "Exporter", "exposition", "serve"]

DEFAULT_SCRAPE_TIMEOUT = 10.0  # Prometheus's default scrape_timeout
TIMEOUT_OFFSET = 0.5  # seconds kept back from Prometheus's timeout to send the answer
TIMEOUT_HEADER = "HTTP_X_PROMETHEUS_SCRAPE_TIMEOUT_SECONDS"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def exposition(readings: Iterable[Reading], *, label_targets: bool) -> bytes:
    """`readings` in Prometheus's text format; with `label_targets`, each sample names its target.

    Written here rather than through prometheus-client's gauge families, which cost about ten
    times more CPU per sample (measured by bench/bench_exporter.py); the exporter's own process
    metrics still come from prometheus-client. Empty label values are left out, as Prometheus
    would drop them.
    """
    lines: dict[families.Family, list[str]] = {families.UP: [], families.SCRAPE_DURATION: []}
    for reading in readings:
        target = [f'target="{_escaped(reading.target.url)}"'] if label_targets else []
        up = 0.0 if reading.metrics is None else 1.0
        found: list[families.Sample] = [
            (families.UP, (), up),
            (families.SCRAPE_DURATION, (), reading.duration),
        ]
        if reading.metrics is not None:
            found += families.samples(reading.metrics)
        for family, values, value in found:
            pairs = [
                f'{n}="{_escaped(v)}"' for n, v in zip(family.labels, values, strict=True) if v
            ]
            inner = ",".join(pairs + target)
            where = f"{{{inner}}}" if inner else ""
            lines.setdefault(family, []).append(f"{family.name}{where} {_number(value)}")
    text = []
    for family, samples in lines.items():
        if samples:
            text += [f"# HELP {family.name} {family.help}", f"# TYPE {family.name} gauge", *samples]
    return ("\n".join(text) + "\n").encode() if text else b""


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isfinite(value):
        return repr(float(value))
    return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")


class Exporter:
    """A WSGI application over a set of targets; `close()` stops its event loop and clients."""

    def __init__(self, targets: TargetSet, scrape_timeout: float = DEFAULT_SCRAPE_TIMEOUT) -> None:
        if not scrape_timeout > 0:
            raise ValueError(f"scrape_timeout must be above 0 seconds, got {scrape_timeout!r}")
        self.targets = targets
        self.scrape_timeout = scrape_timeout
        self._own = CollectorRegistry()  # the exporter's own process, platform and GC metrics
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self._own)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="wal-telemetry-exporter", daemon=True
        )
        self._thread.start()
        self._reader = TargetReader(scrape_timeout)

    def read(self, targets: TargetSet | None = None, budget: float | None = None) -> list[Reading]:
        """Read the targets (default: all configured) once, within `budget` seconds."""
        chosen = (targets or self.targets).targets
        seconds = self.scrape_timeout if budget is None else budget
        future = asyncio.run_coroutine_threadsafe(
            self._reader.read_all(chosen, seconds), self._loop
        )
        return future.result(seconds + self.scrape_timeout)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
        if method != "GET":
            return _answer(start_response, "405 Method Not Allowed", "use GET\n", ("Allow", "GET"))
        budget = self._budget(environ.get(TIMEOUT_HEADER))
        if path == "/metrics":
            readings = self.read(budget=budget)
            shown = exposition(readings, label_targets=len(readings) > 1)
            return _metrics(start_response, shown + generate_latest(self._own))
        if path == "/probe":
            wanted = parse_qs(environ.get("QUERY_STRING", "")).get("target", [])
            if len(wanted) != 1:
                return _answer(start_response, "400 Bad Request", "give one ?target=URL\n")
            try:
                target = self.targets.probe_target(wanted[0])
            except ProbeRefused as error:
                return _answer(start_response, "403 Forbidden", f"{error}\n")
            readings = self.read(TargetSet((target,)), budget)
            return _metrics(start_response, exposition(readings, label_targets=False))
        if path == "/":
            return _answer(start_response, "200 OK", INDEX)
        return _answer(start_response, "404 Not Found", "not found; see /\n")

    def _budget(self, header: str | None) -> float:
        """The scrape timeout, shortened to what Prometheus says it waits (less an offset)."""
        try:
            offered = float(header) - TIMEOUT_OFFSET if header else self.scrape_timeout
        except ValueError:
            offered = self.scrape_timeout
        return max(min(offered, self.scrape_timeout), 0.05)

    def close(self) -> None:
        """Close the targets' connections and stop the event loop."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._reader.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


INDEX = """WAL telemetry exporter
/metrics             every configured target, and the exporter's own process metrics
/probe?target=URL    one configured (or allowed) target
"""


def _answer(
    start_response: StartResponse, status: str, text: str, *headers: tuple[str, str]
) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), *headers])
    return [text.encode()]


def _metrics(start_response: StartResponse, body: bytes) -> list[bytes]:
    start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))])
    return [body]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    timeout = 60  # seconds a connection may stay silent before its thread gives up
    # wsgiref sends the headers and the body apart; with Nagle's algorithm on, the body then
    # waits for the scraper's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are frequent; failures are logged by the reader instead."""


def serve(exporter: Exporter, host: str, port: int) -> WSGIServer:
    """An HTTP server for `exporter` bound to `host:port` (port 0 picks one); not started yet."""
    server_class = _Server6 if ":" in host else _Server
    return make_server(host, port, exporter, server_class=server_class, handler_class=_QuietHandler)
