"""The exporter's HTTP server: `/metrics` reads every configured target, `/probe` reads one.

Requests are served by threads; all reads run on one event loop in a background thread, where
each target keeps its async client (and its kept-alive connections) from scrape to scrape.
"""

import asyncio
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import GCCollector, PlatformCollector, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from wal_telemetry_sdk.exporter import families
from wal_telemetry_sdk.exporter.scrape import Reading, TargetReader
from wal_telemetry_sdk.exporter.targets import ProbeRefused, TargetSet

__all__ = ["DEFAULT_SCRAPE_TIMEOUT", "Exporter", "metric_families", "serve"]

DEFAULT_SCRAPE_TIMEOUT = 10.0  # Prometheus's default scrape_timeout
TIMEOUT_OFFSET = 0.5  # seconds kept back from Prometheus's timeout to send the answer
TIMEOUT_HEADER = "HTTP_X_PROMETHEUS_SCRAPE_TIMEOUT_SECONDS"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def metric_families(readings: Iterable[Reading], *, label_targets: bool) -> list[Metric]:
    """The gauge families of `readings`; with `label_targets`, each sample names its target."""
    extra = ("target",) if label_targets else ()
    built: dict[str, GaugeMetricFamily] = {}

    def add(family: families.Family, labels: tuple[str, ...], value: float, target: str) -> None:
        gauge = built.get(family.name)
        if gauge is None:
            gauge = built[family.name] = GaugeMetricFamily(
                family.name, family.help, labels=(*family.labels, *extra)
            )
        gauge.add_metric((*labels, target)[: len(family.labels) + len(extra)], value)

    for reading in readings:
        url = reading.target.url
        add(families.UP, (), 0.0 if reading.metrics is None else 1.0, url)
        add(families.SCRAPE_DURATION, (), reading.duration, url)
        if reading.metrics is not None:
            for family, labels, value in families.samples(reading.metrics):
                add(family, labels, value, url)
    return list(built.values())


class _Collection:
    """Metric families, and collectors to ask for more, as one thing `generate_latest` renders."""

    def __init__(self, metrics: list[Metric], collectors: Iterable[Collector] = ()) -> None:
        self.metrics, self.collectors = metrics, collectors

    def collect(self) -> Iterator[Metric]:
        yield from self.metrics
        for collector in self.collectors:
            yield from collector.collect()


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
            shown = metric_families(readings, label_targets=len(readings) > 1)
            return _metrics(start_response, _Collection(shown, [self._own]))
        if path == "/probe":
            wanted = parse_qs(environ.get("QUERY_STRING", "")).get("target", [])
            if len(wanted) != 1:
                return _answer(start_response, "400 Bad Request", "give one ?target=URL\n")
            try:
                target = self.targets.probe_target(wanted[0])
            except ProbeRefused as error:
                return _answer(start_response, "403 Forbidden", f"{error}\n")
            readings = self.read(TargetSet((target,)), budget)
            return _metrics(
                start_response, _Collection(metric_families(readings, label_targets=False))
            )
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


def _metrics(start_response: StartResponse, collection: _Collection) -> list[bytes]:
    body = generate_latest(collection)  # any object with collect() will do
    start_response("200 OK", [("Content-Type", CONTENT_TYPE)])
    return [body]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    timeout = 60  # seconds a connection may stay silent before its thread gives up

    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are frequent; failures are logged by the reader instead."""


def serve(exporter: Exporter, host: str, port: int) -> WSGIServer:
    """An HTTP server for `exporter` bound to `host:port` (port 0 picks one); not started yet."""
    server_class = _Server6 if ":" in host else _Server
    return make_server(host, port, exporter, server_class=server_class, handler_class=_QuietHandler)
