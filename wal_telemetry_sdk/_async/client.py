"""`AsyncWALTelemetryClient`: the original client's methods, typed, over the generated client."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any, ParamSpec, Self, TypeVar

import httpx

from wal_telemetry_sdk._async.io import async_gather_bounded, async_run_blocking
from wal_telemetry_sdk._async.transport import AsyncRetryTransport, async_retry_transport
from wal_telemetry_sdk._bodies import checked_file
from wal_telemetry_sdk._browser import open_in_browser
from wal_telemetry_sdk._client_base import ClientBase
from wal_telemetry_sdk._config import Settings, resolve_settings, with_policy
from wal_telemetry_sdk._error_mapping import call_errors, is_missing_operation, unwrap
from wal_telemetry_sdk._files import (
    checked_file_name,
    checked_report_id,
    file_result,
    save_folder,
)
from wal_telemetry_sdk._request_policy import (
    client_options,
    deadline_scope,
    new_idempotency_key,
)
from wal_telemetry_sdk.errors import NotFoundError

# What only calls need (the generated package, arguments, conversions, charts, alerts) is
# imported by the method that needs it, so importing the client stays about as cheap as httpx.
if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from wal_telemetry_sdk._arguments import TimeRange, Timestamp
    from wal_telemetry_sdk._async.io import AsyncCallbackResult
    from wal_telemetry_sdk._async.monitor import AsyncMonitor
    from wal_telemetry_sdk._async.poller import AsyncReportPoller
    from wal_telemetry_sdk._report_progress import ReportProgress
    from wal_telemetry_sdk._schedule import MonitorTick
    from wal_telemetry_sdk.alerts import AlertEvent, AlertRule
    from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType
    from wal_telemetry_sdk.models import (
        Chart,
        ConfigResult,
        FileResult,
        MetricsBucket,
        MetricsOverTime,
        MetricsResult,
        RealtimeMetrics,
        ReportResult,
        ReportStatusResult,
        TimeSeriesResult,
    )

__all__ = ["AsyncWALTelemetryClient"]

logger = logging.getLogger("wal_telemetry_sdk")

P = ParamSpec("P")
R = TypeVar("R")
# Report files fetched at once by `download_report`.
CONCURRENT_FILES = 4


class AsyncWALTelemetryClient(ClientBase):
    """Client for the WAL telemetry API (`/api/v0/wal/telemetry`).

    Sharing: a `WALTelemetryClient` may be shared by any number of threads, an
    `AsyncWALTelemetryClient` by any number of tasks on one event loop. Either uses one httpx
    client and so one connection pool of at most 16 connections; nothing else in the client
    changes after construction. Use `with_options()` for other timeouts or retries.

    Settings come from the arguments, else `WAL_TELEMETRY_API_URL`, `WAL_TELEMETRY_API_KEY`,
    `WAL_TELEMETRY_TIMEOUT` and `WAL_TELEMETRY_VERIFY_SSL`, else `http://localhost:8000`, no key,
    30 seconds (for a whole call, retries included) and verification on. `max_retries` (default 2)
    bounds retries of connection errors, timeouts, 408, 429 and 5xx. `http_client` sends every
    request through your own httpx client (its proxies, TLS settings and hooks apply, and
    `verify_ssl` does not); you close it. A decompressed body may hold at most
    `max_response_bytes` (JSON, 64 MiB by default) or `max_file_bytes` (charts and report files,
    256 MiB); a larger one raises `APIResponseValidationError`.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        verify_ssl: bool | None = None,
        *,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_response_bytes: int | None = None,
        max_file_bytes: int | None = None,
    ) -> None:
        settings = resolve_settings(
            base_url,
            api_key,
            timeout,
            verify_ssl,
            max_retries,
            max_response_bytes=max_response_bytes,
            max_file_bytes=max_file_bytes,
        )
        self._connect(settings, async_retry_transport(settings, http_client=http_client))

    def _connect(self, settings: Settings, transport: AsyncRetryTransport) -> None:
        self._adopt(settings)
        self._transport = transport
        self._http = httpx.AsyncClient(transport=transport, **client_options(settings))

    def with_options(self, *, timeout: float | None = None, max_retries: int | None = None) -> Self:
        """A copy with another timeout or retry count that shares this client's connections."""
        settings = with_policy(self._settings, timeout, max_retries)
        copy = object.__new__(type(self))
        copy._connect(settings, async_retry_transport(settings, pool=self._transport))
        return copy

    async def close(self) -> None:
        """Close the connection pool (a `with_options()` copy leaves it to the original)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def get_metrics(
        self,
        metric_type: TelemetryMetricType | str | None = None,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        time_range: TimeRange | None = None,
        aggregation: TelemetryAggregation | str | None = None,
    ) -> MetricsResult:
        """Stored metrics, optionally filtered and aggregated, as a tree and as series."""
        from wal_telemetry_api_client.api.metrics import get_metrics

        from wal_telemetry_sdk import _arguments as arguments
        from wal_telemetry_sdk._conversion import metrics_from_json, metrics_from_series_body

        window = arguments.time_range(time_range)
        query = arguments.metrics_query(
            metric_type, operation_type, backend, status, window, aggregation
        )
        convert = _converted(metrics_from_json, metrics_from_series_body)
        return await self._send(convert, get_metrics._get_kwargs, **query)

    async def get_realtime_metrics(self) -> RealtimeMetrics:
        """The latest real-time metrics (summaries derived when an upstream server omits them)."""
        from wal_telemetry_api_client.api.realtime import get_realtime_metrics

        from wal_telemetry_sdk._conversion import realtime_from_json

        return await self._send(_converted(realtime_from_json), get_realtime_metrics._get_kwargs)

    async def generate_report(
        self,
        start_time: Timestamp | None = None,
        end_time: Timestamp | None = None,
        open_browser: bool = False,
        *,
        max_latency_p95_ms: float | None = None,
        min_success_rate: float | None = None,
        max_queue_size: float | None = None,
    ) -> ReportResult:
        """Start a report over a time range (the last 24 hours by default); with `open_browser`,
        open it once it is complete (waiting up to the client's timeout).

        The thresholds decide what the report's summary flags: p95 latency above
        `max_latency_p95_ms`, a success rate (0-1) below `min_success_rate`, a queue above
        `max_queue_size` operations; None leaves the server's default.
        The request carries an idempotency key: where the server honours it, retries are as
        safe as for any other request; elsewhere it is retried only when nothing was sent.
        """
        from wal_telemetry_api_client.api.reports import generate_report

        from wal_telemetry_sdk import _arguments as arguments
        from wal_telemetry_sdk._conversion import report_from_json

        body = arguments.report_request(
            start_time,
            end_time,
            max_latency_p95_ms=max_latency_p95_ms,
            min_success_rate=min_success_rate,
            max_queue_size=max_queue_size,
        )
        report = await self._send(
            _converted(report_from_json),
            generate_report._get_kwargs,
            body=body,
            idempotency_key=new_idempotency_key(),
        )
        if open_browser and report.report_url and await self._ready(report):
            open_in_browser(arguments.absolute_url(self.base_url, report.report_url))
        return report

    async def _ready(self, report: ReportResult) -> bool:
        """Wait (up to the client's timeout) until a report is complete, to open it then."""
        from wal_telemetry_sdk._async.poller import AsyncReportPoller

        if not report.report_id:
            return True
        report_id = checked_report_id(report.report_id)
        poller = AsyncReportPoller(report_id, lambda: self.report_progress(report_id))
        if await poller.wait(self.timeout) and poller.status() == "complete":
            return True
        poller.cancel()
        logger.warning(
            "Report %s is %s after %s s; open %s when it is complete",
            report_id,
            poller.status(),
            self.timeout,
            report.report_url,
        )
        return False

    async def get_report_file(
        self, report_id: str, file_name: str, save_path: str | os.PathLike[str] | None = None
    ) -> FileResult:
        """One file of a report; with `save_path`, also written there atomically."""
        from wal_telemetry_api_client.api.reports import get_report_file

        from wal_telemetry_sdk import _arguments as arguments

        report_id, file_name = checked_report_id(report_id), checked_file_name(file_name)
        url = arguments.report_file_url(self.base_url, report_id, file_name)
        return await self._send(
            lambda response: file_result(response, file_name, url, save_path),
            get_report_file._get_kwargs,
            report_id,
            file_name,
        )

    async def get_visualization(
        self,
        metric_type: TelemetryMetricType | str,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        time_range: TimeRange | None = None,
        width: int = 12,
        height: int = 8,
        save_path: str | os.PathLike[str] | None = None,
        open_browser: bool = False,
        *,
        source: str = "auto",
    ) -> Chart:
        """A PNG chart of a metric type, `width` x `height` inches at 100 dpi.

        `source` picks who renders: "server", "client" (matplotlib here, from `get_metrics`
        data; extra `[viz]`), or "auto": the server, falling back to the client when the server
        cannot render (the upstream server fails on four metric types). `Chart.source` says which
        did. `open_browser` without `save_path` opens the server's chart URL, as the original
        client did.
        """
        from wal_telemetry_api_client.api.visualization import get_visualization

        from wal_telemetry_sdk import _arguments as arguments
        from wal_telemetry_sdk import charts
        from wal_telemetry_sdk.models import Chart

        where = charts.checked_source(source)
        window = arguments.time_range(time_range)
        query = arguments.visualization_query(
            metric_type, operation_type, backend, status, window, width, height
        )
        url = arguments.visualization_url(self.base_url, query)
        if open_browser and save_path is None and where != "client":
            open_in_browser(url)
            return Chart(url=url, opened_in_browser=True, source="server")
        if where != "client":
            try:
                png = await self._send(_chart, get_visualization._get_kwargs, **query)
                return charts.chart_result(png, url, "server", save_path, open_browser)
            except charts.SERVER_CANNOT_RENDER as error:
                if where == "server":
                    raise
                charts.log_fallback(query["metric_type"], error)
        metrics = await self.get_metrics(
            query["metric_type"], operation_type, backend, status, window
        )
        png = await async_run_blocking(charts.render_locally, metrics, query)
        return charts.chart_result(png, url, "client", save_path, open_browser)

    async def get_config(self) -> ConfigResult:
        """The current telemetry settings."""
        from wal_telemetry_api_client.api.config import get_config

        from wal_telemetry_sdk._conversion import config_from_json

        return await self._send(_converted(config_from_json), get_config._get_kwargs)

    async def update_config(
        self,
        enabled: bool | None = None,
        metrics_path: str | None = None,
        retention_days: int | None = None,
        sampling_interval: int | None = None,
        enable_detailed_timing: bool | None = None,
        operation_hooks: bool | None = None,
    ) -> ConfigResult:
        """Change the given settings (None keeps a setting) and return them all."""
        from wal_telemetry_api_client.api.config import update_config

        from wal_telemetry_sdk import _arguments as arguments
        from wal_telemetry_sdk._conversion import config_from_json

        body = arguments.config_update(
            enabled=enabled,
            metrics_path=metrics_path,
            retention_days=retention_days,
            sampling_interval=sampling_interval,
            enable_detailed_timing=enable_detailed_timing,
            operation_hooks=operation_hooks,
        )
        return await self._send(_converted(config_from_json), update_config._get_kwargs, body=body)

    async def get_time_series(
        self,
        metric_type: TelemetryMetricType | str,
        start_time: Timestamp,
        end_time: Timestamp,
        step: float,
        aggregation: TelemetryAggregation | str = "average",
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
    ) -> TimeSeriesResult:
        """A metric aggregated per `step`-second bucket in one request (reference server only;
        others raise `NotFoundError`). `get_metrics_over_time` works with every server."""
        from wal_telemetry_api_client.api.timeseries import get_time_series

        from wal_telemetry_sdk import _arguments as arguments
        from wal_telemetry_sdk._conversion import time_series_from_json

        query = arguments.time_series_query(
            metric_type, start_time, end_time, step, aggregation, operation_type, backend, status
        )
        return await self._send(
            _converted(time_series_from_json),
            get_time_series._get_kwargs,
            **query,
        )

    async def get_report_status(self, report_id: str) -> ReportStatusResult:
        """A report's state and files (reference server only; others raise `NotFoundError`)."""
        from wal_telemetry_api_client.api.report_status import get_report_status

        from wal_telemetry_sdk._conversion import report_status_from_json

        return await self._send(
            _converted(report_status_from_json),
            get_report_status._get_kwargs,
            checked_report_id(report_id),
        )

    async def get_metrics_over_time(
        self,
        metric_type: TelemetryMetricType | str,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        start_time: Timestamp | None = None,
        end_time: Timestamp | None = None,
        interval: str | float = "hour",
    ) -> MetricsOverTime:
        """A metric averaged per bucket: 'hour', 'day', 'week' or a step in seconds.

        The range defaults to the last 24 hours. One server-side query where the server offers
        it; otherwise one request per bucket, at most 8 at a time. `.series` is a `TimeSeries`.
        """
        from wal_telemetry_sdk._conversion import metrics_bucket
        from wal_telemetry_sdk._over_time import (
            CONCURRENT_BUCKETS,
            bounds,
            from_server_buckets,
            step_seconds,
        )
        from wal_telemetry_sdk._over_time import plan as over_time_plan
        from wal_telemetry_sdk.enums import TelemetryAggregation

        filters = {"operation_type": operation_type, "backend": backend, "status": status}
        over_time = over_time_plan(metric_type, start_time, end_time, interval, **filters)
        if self._offers_timeseries:
            try:
                result = await self.get_time_series(
                    over_time.metric_type,
                    over_time.start_time,
                    over_time.end_time,
                    step_seconds(interval),
                    TelemetryAggregation.AVERAGE,
                    operation_type,
                    backend,
                    status,
                )
                return from_server_buckets(over_time, result)
            except NotFoundError as error:
                if not is_missing_operation(error):
                    raise
                self._offers_timeseries = False

        async def bucket(edges: tuple[float, float]) -> MetricsBucket:
            result = await self.get_metrics(
                over_time.metric_type,
                operation_type,
                backend,
                status,
                time_range=edges,
                aggregation=TelemetryAggregation.AVERAGE,
            )
            return metrics_bucket(*edges, result.metrics, result.series)

        buckets = await async_gather_bounded(bucket, bounds(over_time), CONCURRENT_BUCKETS)
        return over_time.filled(buckets, source="per-bucket")

    async def monitor_realtime(
        self,
        callback: (
            Callable[[RealtimeMetrics, int], AsyncCallbackResult]
            | Callable[[RealtimeMetrics | None, int, MonitorTick], AsyncCallbackResult]
        ),
        interval: float = 5,
        duration: float | None = None,
        *,
        on_error: Callable[[BaseException, int], None] | None = None,
        raise_errors: bool = False,
        alerts: Iterable[AlertRule | str] | None = None,
        on_alert: Callable[[AlertEvent], None] | None = None,
        background: bool = False,
    ) -> AsyncMonitor[RealtimeMetrics]:
        """Call `callback(metrics, iteration)` every `interval` seconds for `duration` (or ever).

        Ticks are drift-free. A failed fetch (after the client's retries) goes to `on_error`
        (or the log) and monitoring goes on, unless `raise_errors`. A callback with a third
        argument, `callback(metrics, iteration, tick)`, is called on failed ticks too, with the
        last good metrics and a `MonitorTick` (`fresh`, `last_good_at`, `errors_since_good`).
        `alerts` are rules such as `"operation_latency.percentile_95 > 500 for 3"` (latency in
        ms), each checked before the first request; firing and resolved events go to
        `on_alert`. Runs until done (Ctrl-C ends it quietly) unless `background`, which returns
        the running monitor at once: `stop()` and `join()` it.
        """
        from wal_telemetry_sdk._async.monitor import AsyncMonitor
        from wal_telemetry_sdk.alerts import AlertEvaluator

        monitor = AsyncMonitor(
            self.get_realtime_metrics,
            callback,
            interval=interval,
            duration=duration,
            on_error=on_error,
            raise_errors=raise_errors,
            alerts=AlertEvaluator(alerts, on_event=on_alert) if alerts else None,
        )
        if background:
            return monitor.start()
        await monitor.run()
        return monitor

    def iter_realtime(
        self, interval: float = 5, duration: float | None = None
    ) -> AsyncIterator[RealtimeMetrics]:
        """Real-time metrics every `interval` seconds, as an iterator (errors propagate)."""
        from wal_telemetry_sdk._async.monitor import async_iter_ticks

        return async_iter_ticks(self.get_realtime_metrics, interval, duration)

    async def begin_generate_report(
        self,
        start_time: Timestamp | None = None,
        end_time: Timestamp | None = None,
        *,
        on_progress: Callable[[ReportProgress], None] | None = None,
        poll_interval: float = 0.5,
        max_latency_p95_ms: float | None = None,
        min_success_rate: float | None = None,
        max_queue_size: float | None = None,
    ) -> AsyncReportPoller:
        """Start a report and return a poller: `result(timeout)`, `done()`, `status()`.

        The poller follows the server's report status, or, on servers without one, waits until
        the report's page stops answering 404. The thresholds are `generate_report`'s.
        """
        from wal_telemetry_sdk._async.poller import AsyncReportPoller

        report = await self.generate_report(
            start_time,
            end_time,
            max_latency_p95_ms=max_latency_p95_ms,
            min_success_rate=min_success_rate,
            max_queue_size=max_queue_size,
        )
        report_id = checked_report_id(report.report_id or "")
        return AsyncReportPoller(
            report_id,
            lambda: self.report_progress(report_id),
            interval=poll_interval,
            on_progress=on_progress,
        )

    async def report_progress(self, report_id: str) -> ReportProgress:
        """Where a report is: the server's status, or its page's existence where there is none."""
        from wal_telemetry_sdk._report_progress import (
            REPORT_PAGE,
            ReportProgress,
            progress_from_page,
        )

        report_id = checked_report_id(report_id)
        if self._offers_report_status:
            try:
                status = await self.get_report_status(report_id)
                progress = ReportProgress(status.status, status.files, status.extra.get("error"))
                return self._located(report_id, progress)
            except NotFoundError as error:
                if not is_missing_operation(error):
                    raise
                self._offers_report_status = False
        try:
            page = await self.get_report_file(report_id, REPORT_PAGE)
        except NotFoundError:
            return self._located(report_id, ReportProgress(state="pending"))
        return self._located(report_id, progress_from_page(page.content or b""))

    def _located(self, report_id: str, progress: ReportProgress) -> ReportProgress:
        """`progress` with the report's id and the URL of each of its files."""
        import attrs

        from wal_telemetry_sdk import _arguments as arguments

        urls = {
            name: arguments.report_file_url(self.base_url, report_id, name)
            for name in progress.files
        }
        return attrs.evolve(progress, report_id=report_id, urls=urls)

    async def download_report(
        self, report_id: str, directory: str | os.PathLike[str], *, timeout: float = 120
    ) -> list[Path]:
        """Wait for a report (up to `timeout` s) and save all its files into `directory`.

        All or nothing: files land only once every one was fetched. Charts an upstream report
        links but never wrote (no data) are skipped. Returns the paths written.
        """
        from wal_telemetry_sdk._async.poller import AsyncReportPoller

        report_id = checked_report_id(report_id)
        poller = AsyncReportPoller(report_id, lambda: self.report_progress(report_id))
        progress = await poller.result(timeout)

        async def fetch(name: str) -> tuple[str, bytes | None]:
            try:
                return name, (await self.get_report_file(report_id, name)).content or b""
            except NotFoundError:
                if name.endswith(".png") and not self._offers_report_status:
                    return name, None
                raise

        fetched = await async_gather_bounded(fetch, progress.files, CONCURRENT_FILES)
        return save_folder({name: data for name, data in fetched if data is not None}, directory)

    async def _send(
        self,
        convert: Callable[[httpx.Response], R],
        request: Callable[P, dict[str, Any]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Send the request a generated `_get_kwargs` builds, with that function's own signature,
        and convert the response; what escapes either is an SDK exception about this call."""
        with deadline_scope(self.timeout), call_errors():
            return convert(await self._http.request(**self._absolute(request(*args, **kwargs))))


def _converted(
    convert: Callable[[Any], R], from_bytes: Callable[[bytes], R | None] | None = None
) -> Callable[[httpx.Response], R]:
    """A converter of a JSON response: decoded, unwrapped, then turned into a typed result."""
    return lambda response: unwrap(response, convert, from_bytes)


def _chart(response: httpx.Response) -> bytes:
    """The PNG a chart response carries; `ValueError` for anything else."""
    checked_file("chart.png", response.content, response.headers.get("content-type"))
    return response.content
