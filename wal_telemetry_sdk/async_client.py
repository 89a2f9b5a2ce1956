"""`AsyncWALTelemetryClient`: `WALTelemetryClient`'s twin for asyncio, same methods, awaited."""

import os
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import attrs
import httpx

# httpcore imports sniffio each time it creates a lock; when sniffio is missing, every request
# pays for a failed import. It is a dependency: importing it here makes its absence loud.
import sniffio  # noqa: F401
from wal_telemetry_api_client import Client
from wal_telemetry_api_client.api.config import get_config, update_config
from wal_telemetry_api_client.api.metrics import get_metrics
from wal_telemetry_api_client.api.realtime import get_realtime_metrics
from wal_telemetry_api_client.api.reports import generate_report, get_report_file
from wal_telemetry_api_client.api.visualization import get_visualization
from wal_telemetry_api_client.types import Response

from wal_telemetry_sdk import _arguments as arguments
from wal_telemetry_sdk._config import Settings, resolve_settings, with_policy
from wal_telemetry_sdk._dialects import (
    PARSE_ERRORS,
    config_from_api,
    invalid_body,
    metrics_from_api,
    realtime_from_api,
    report_from_api,
    unwrap,
)
from wal_telemetry_sdk._files import checked_file_name, checked_report_id
from wal_telemetry_sdk._over_time import async_metrics_over_time, plan
from wal_telemetry_sdk._transport import (
    AsyncRetryTransport,
    async_retry_transport,
    client_options,
    network_error,
)
from wal_telemetry_sdk.client import file_result, open_in_browser
from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType
from wal_telemetry_sdk.errors import WALTelemetryError
from wal_telemetry_sdk.models import (
    ConfigResult,
    FileResult,
    MetricsOverTime,
    MetricsResult,
    RealtimeMetrics,
    ReportResult,
)

__all__ = ["AsyncWALTelemetryClient"]


class AsyncWALTelemetryClient:
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
        self._settings = settings
        self._transport = transport
        self._http = httpx.AsyncClient(transport=transport, **client_options(settings))
        self._api = Client(base_url=settings.base_url).set_async_httpx_client(self._http)

    @property
    def base_url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return self._settings.base_url

    @property
    def timeout(self) -> float:
        """Seconds a call may take, retries included."""
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed request is retried."""
        return self._settings.max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

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
    ) -> FileResult:
        """A PNG chart of a metric type; `open_browser` shows it there instead of downloading it.

        With `open_browser` and `save_path`, the chart is also downloaded and saved.
        """
        window = arguments.time_range(time_range)
        query = arguments.visualization_query(
            metric_type, operation_type, backend, status, window, width, height
        )
        url = arguments.visualization_url(self.base_url, query)
        if open_browser:
            open_in_browser(url)
            if save_path is None:
                return FileResult(url=url, opened_in_browser=True)
        detailed = await self._send(get_visualization.asyncio_detailed, **query)
        result = file_result(detailed, url, save_path)
        return attrs.evolve(result, opened_in_browser=open_browser)

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

    async def get_metrics_over_time(
        self,
        metric_type: TelemetryMetricType | str,
        operation_type: str | None = None,
        backend: str | None = None,
        status: str | None = None,
        start_time: arguments.Timestamp | None = None,
        end_time: arguments.Timestamp | None = None,
        interval: str = "hour",
    ) -> MetricsOverTime:
        """A metric averaged per 'hour', 'day' or 'week' bucket (the last 24 hours by default)."""
        over_time = plan(metric_type, start_time, end_time, interval)
        return await async_metrics_over_time(
            self.get_metrics,
            over_time,
            operation_type=operation_type,
            backend=backend,
            status=status,
        )

    async def monitor_realtime(
        self,
        callback: Callable[[RealtimeMetrics, int], Awaitable[None] | None],
        interval: float = 5,
        duration: float | None = None,
    ) -> int:
        """Call `callback(metrics, iteration)` (sync or async) every `interval` seconds.

        Runs for `duration` seconds, or until the task is cancelled; returns the iterations run.
        """
        from wal_telemetry_sdk.monitor import amonitor

        return await amonitor(
            self.get_realtime_metrics,
            callback,
            interval=interval,
            duration=duration,
            raise_errors=True,
        )

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
