"""`AsyncWALTelemetryClient`: `WALTelemetryClient`'s twin for asyncio, same methods, awaited."""

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

# httpcore imports sniffio each time it creates a lock; when sniffio is missing, every request
# pays for a failed import. It is a dependency: importing it here makes its absence loud.
import sniffio  # noqa: F401
from wal_telemetry_api_client import Client
from wal_telemetry_api_client.api.config import get_config, update_config
from wal_telemetry_api_client.api.metrics import get_metrics
from wal_telemetry_api_client.api.realtime import get_realtime_metrics
from wal_telemetry_api_client.api.report_status import get_report_status
from wal_telemetry_api_client.api.reports import generate_report, get_report_file
from wal_telemetry_api_client.api.timeseries import get_time_series
from wal_telemetry_api_client.api.visualization import get_visualization
from wal_telemetry_api_client.types import Response

from wal_telemetry_sdk import _arguments as arguments
from wal_telemetry_sdk import _visualization as visualization
from wal_telemetry_sdk._client_base import ClientBase
from wal_telemetry_sdk._config import Settings, resolve_settings, with_policy
from wal_telemetry_sdk._dialects import (
    PARSE_ERRORS,
    config_from_api,
    invalid_body,
    metrics_from_api,
    realtime_from_api,
    report_from_api,
    report_status_from_api,
    time_series_from_api,
    unwrap,
)
from wal_telemetry_sdk._files import (
    checked_file_name,
    checked_report_id,
    file_result,
    open_in_browser,
)
from wal_telemetry_sdk._over_time import (
    async_per_bucket_requests,
    from_server_buckets,
    step_seconds,
)
from wal_telemetry_sdk._over_time import plan as over_time_plan
from wal_telemetry_sdk._reports import (
    REPORT_PAGE,
    progress_from_page,
    save_folder,
)
from wal_telemetry_sdk._transport import (
    AsyncRetryTransport,
    async_retry_transport,
    client_options,
    network_error,
)
from wal_telemetry_sdk.alerts import AlertEvaluator, AlertEvent, AlertRule
from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType
from wal_telemetry_sdk.errors import NotFoundError, WALTelemetryError, is_missing_operation
from wal_telemetry_sdk.models import (
    Chart,
    ConfigResult,
    FileResult,
    MetricsOverTime,
    MetricsResult,
    RealtimeMetrics,
    ReportResult,
    ReportStatusResult,
    TimeSeriesResult,
)
from wal_telemetry_sdk.reports_poller import AsyncReportPoller, ReportProgress

__all__ = ["AsyncWALTelemetryClient"]


class AsyncWALTelemetryClient(ClientBase):
    """Async client for the WAL telemetry API, with the settings and methods of the sync one.

    Runs on asyncio. Use one instance per event loop; any number of tasks on that loop may share
    it. At most 16 requests are in flight at once, each on a kept-alive connection; further calls
    wait their turn. `http_client` sends through your own `httpx.AsyncClient` (and its pool).
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
    ) -> None:
        settings = resolve_settings(base_url, api_key, timeout, verify_ssl, max_retries)
        self._connect(settings, async_retry_transport(settings, http_client=http_client))

    def _connect(self, settings: Settings, transport: AsyncRetryTransport) -> None:
        self._adopt(settings)
        self._transport = transport
        self._http = httpx.AsyncClient(transport=transport, **client_options(settings))
        self._api = Client(base_url=settings.base_url).set_async_httpx_client(self._http)

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
        time_range: arguments.TimeRange | None = None,
        aggregation: TelemetryAggregation | str | None = None,
    ) -> MetricsResult:
        """Stored metrics, optionally filtered and aggregated, as a tree and as series."""
        window = arguments.time_range(time_range)
        query = arguments.metrics_query(
            metric_type, operation_type, backend, status, window, aggregation
        )
        return unwrap(await self._send(get_metrics.asyncio_detailed, **query), metrics_from_api)

    async def get_realtime_metrics(self) -> RealtimeMetrics:
        """The latest real-time metrics (summaries derived when an upstream server omits them)."""
        detailed = await self._send(get_realtime_metrics.asyncio_detailed)
        return unwrap(detailed, realtime_from_api)

    async def generate_report(
        self,
        start_time: arguments.Timestamp | None = None,
        end_time: arguments.Timestamp | None = None,
        open_browser: bool = False,
    ) -> ReportResult:
        """Start a report over a time range (the last 24 hours by default); never sent twice."""
        body = arguments.report_request(start_time, end_time)
        detailed = await self._send(generate_report.asyncio_detailed, body=body)
        report = unwrap(detailed, report_from_api)
        if open_browser and report.report_url:
            open_in_browser(arguments.absolute_url(self.base_url, report.report_url))
        return report

    async def get_report_file(
        self, report_id: str, file_name: str, save_path: str | os.PathLike[str] | None = None
    ) -> FileResult:
        """One file of a report; with `save_path`, also written there atomically."""
        report_id, file_name = checked_report_id(report_id), checked_file_name(file_name)
        detailed = await self._send(get_report_file.asyncio_detailed, report_id, file_name)
        url = arguments.report_file_url(self.base_url, report_id, file_name)
        return file_result(detailed, url, save_path)

    async def get_visualization(
        self,
        metric_type: TelemetryMetricType | str,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        time_range: arguments.TimeRange | None = None,
        width: int = 12,
        height: int = 8,
        save_path: str | os.PathLike[str] | None = None,
        open_browser: bool = False,
        *,
        source: str = "auto",
    ) -> Chart:
        """A PNG chart; see `WALTelemetryClient.get_visualization` (client drawing in a thread)."""
        where = visualization.checked_source(source)
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
                detailed = await self._send(get_visualization.asyncio_detailed, **query)
                content = detailed.content
                return visualization.chart_result(content, url, "server", save_path, open_browser)
            except visualization.SERVER_CANNOT_RENDER as error:
                if where == "server":
                    raise
                visualization.log_fallback(query["metric_type"], error)
        metrics = await self.get_metrics(
            query["metric_type"], operation_type, backend, status, window
        )
        png = await asyncio.to_thread(
            visualization.render_locally, metrics, query["metric_type"], width, height
        )
        return visualization.chart_result(png, url, "client", save_path, open_browser)

    async def get_config(self) -> ConfigResult:
        """The current telemetry settings."""
        return unwrap(await self._send(get_config.asyncio_detailed), config_from_api)

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
        body = arguments.config_update(
            enabled=enabled,
            metrics_path=metrics_path,
            retention_days=retention_days,
            sampling_interval=sampling_interval,
            enable_detailed_timing=enable_detailed_timing,
            operation_hooks=operation_hooks,
        )
        detailed = await self._send(update_config.asyncio_detailed, body=body)
        return unwrap(detailed, config_from_api)

    async def get_time_series(
        self,
        metric_type: TelemetryMetricType | str,
        start_time: arguments.Timestamp,
        end_time: arguments.Timestamp,
        step: float,
        aggregation: TelemetryAggregation | str = TelemetryAggregation.AVERAGE,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
    ) -> TimeSeriesResult:
        """A metric aggregated per `step`-second bucket in one request (reference server only;
        others raise `NotFoundError`). `get_metrics_over_time` works with every server."""
        query = arguments.time_series_query(
            metric_type, start_time, end_time, step, aggregation, operation_type, backend, status
        )
        return unwrap(
            await self._send(get_time_series.asyncio_detailed, **query), time_series_from_api
        )

    async def get_report_status(self, report_id: str) -> ReportStatusResult:
        """A report's state and files (reference server only; others raise `NotFoundError`)."""
        report_id = checked_report_id(report_id)
        detailed = await self._send(get_report_status.asyncio_detailed, report_id)
        return unwrap(detailed, report_status_from_api)

    async def get_metrics_over_time(
        self,
        metric_type: TelemetryMetricType | str,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        start_time: arguments.Timestamp | None = None,
        end_time: arguments.Timestamp | None = None,
        interval: str | float = "hour",
    ) -> MetricsOverTime:
        """A metric averaged per bucket; see `WALTelemetryClient.get_metrics_over_time`."""
        filters = {"operation_type": operation_type, "backend": backend, "status": status}
        over_time = over_time_plan(metric_type, start_time, end_time, interval, **filters)
        if self._offers_timeseries:
            try:
                step = step_seconds(interval)
                result = await self.get_time_series(
                    over_time.metric_type,
                    over_time.start_time,
                    over_time.end_time,
                    step,
                    TelemetryAggregation.AVERAGE,
                    **filters,
                )
                return from_server_buckets(over_time, result)
            except NotFoundError as error:
                if not is_missing_operation(error):
                    raise
                self._offers_timeseries = False
        return await async_per_bucket_requests(self.get_metrics, over_time, filters)

    async def monitor_realtime(
        self,
        callback: Callable[[RealtimeMetrics, int], Awaitable[None] | None],
        interval: float = 5,
        duration: float | None = None,
        *,
        on_error: Callable[[BaseException, int], None] | None = None,
        raise_errors: bool = False,
        alerts: Iterable[AlertRule | str] | None = None,
        on_alert: Callable[[AlertEvent], None] | None = None,
    ) -> int:
        """Call `callback(metrics, iteration)` (sync or async) every `interval` seconds.

        The policy of `WALTelemetryClient.monitor_realtime`; runs for `duration` seconds or
        until the task is cancelled (wrap it in a task to run it in the background). Returns
        the iterations run.
        """
        from wal_telemetry_sdk.monitor import amonitor

        return await amonitor(
            self.get_realtime_metrics,
            callback,
            interval=interval,
            duration=duration,
            on_error=on_error,
            raise_errors=raise_errors,
            alerts=AlertEvaluator(alerts, on_event=on_alert) if alerts else None,
        )

    def iter_realtime(
        self, interval: float = 5, duration: float | None = None
    ) -> AsyncIterator[RealtimeMetrics]:
        """Real-time metrics every `interval` seconds: `async for metrics in ...`."""
        from wal_telemetry_sdk.monitor import aiter_ticks

        return aiter_ticks(self.get_realtime_metrics, interval, duration)

    async def begin_generate_report(
        self,
        start_time: arguments.Timestamp | None = None,
        end_time: arguments.Timestamp | None = None,
        *,
        on_progress: Callable[[ReportProgress], None] | None = None,
        poll_interval: float = 0.5,
    ) -> AsyncReportPoller:
        """Start a report and return a poller: `await result(timeout)`, `done()`, `status()`."""
        report = await self.generate_report(start_time, end_time)
        report_id = checked_report_id(report.report_id or "")
        return AsyncReportPoller(
            report_id,
            lambda: self.report_progress(report_id),
            interval=poll_interval,
            on_progress=on_progress,
        )

    async def report_progress(self, report_id: str) -> ReportProgress:
        """Where a report is; see `WALTelemetryClient.report_progress`."""
        report_id = checked_report_id(report_id)
        if self._offers_report_status:
            try:
                status = await self.get_report_status(report_id)
                return ReportProgress(status.status, status.files, status.extra.get("error"))
            except NotFoundError as error:
                if not is_missing_operation(error):
                    raise
                self._offers_report_status = False
        try:
            page = await self.get_report_file(report_id, REPORT_PAGE)
        except NotFoundError:
            return ReportProgress(state="pending")
        return progress_from_page(page.content or b"")

    async def download_report(
        self, report_id: str, directory: str | os.PathLike[str], *, timeout: float = 120
    ) -> list[Path]:
        """Wait for a report and save all its files; see `WALTelemetryClient.download_report`."""
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

        fetched = await asyncio.gather(*(fetch(name) for name in progress.files))
        return save_folder({name: data for name, data in fetched if data is not None}, directory)

    async def _send(
        self, endpoint: Callable[..., Awaitable[Response[Any]]], *args: Any, **kwargs: Any
    ) -> Any:
        """Await a generated `asyncio_detailed` function; what escapes becomes an SDK exception."""
        try:
            return await endpoint(*args, client=self._api, **kwargs)
        except WALTelemetryError:
            raise
        except httpx.DecodingError as error:
            raise invalid_body(error) from error
        except httpx.HTTPError as error:
            raise network_error(error, None) from error
        except PARSE_ERRORS as error:
            raise invalid_body(error) from error
