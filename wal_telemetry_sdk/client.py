"""`WALTelemetryClient`: the seed's client, typed, over the generated low-level client."""

import logging
import os
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

import attrs
import httpx
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
from wal_telemetry_sdk._files import checked_file_name, checked_report_id, save_atomically
from wal_telemetry_sdk._over_time import metrics_over_time, plan
from wal_telemetry_sdk._transport import (
    RetryTransport,
    client_options,
    network_error,
    retry_transport,
)
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

__all__ = ["WALTelemetryClient"]

logger = logging.getLogger("wal_telemetry_sdk")
R = TypeVar("R")


class WALTelemetryClient:
    """Client for the WAL telemetry API (`/api/v0/wal/telemetry`).

    Thread safety: an instance may be shared by any number of threads. All of them use its one
    `httpx.Client` and so one connection pool of at most 16 connections; nothing else in the
    client changes after construction. Use `with_options()` for other timeouts or retries.

    Settings come from the arguments, else `WAL_TELEMETRY_API_URL`, `WAL_TELEMETRY_API_KEY`,
    `WAL_TELEMETRY_TIMEOUT` and `WAL_TELEMETRY_VERIFY_SSL`, else `http://localhost:8000`, no key,
    30 seconds (for a whole call, retries included) and verification on. `max_retries` (default 2)
    bounds retries of connection errors, timeouts, 408, 429 and 5xx. `http_client` sends every
    request through your own `httpx.Client` (its proxies, TLS settings and hooks apply, and
    `verify_ssl` does not); you close it.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        verify_ssl: bool | None = None,
        *,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        settings = resolve_settings(base_url, api_key, timeout, verify_ssl, max_retries)
        self._connect(settings, retry_transport(settings, http_client=http_client))

    def _connect(self, settings: Settings, transport: RetryTransport) -> None:
        self._settings = settings
        self._transport = transport
        self._http = httpx.Client(transport=transport, **client_options(settings))
        self._api = Client(base_url=settings.base_url).set_httpx_client(self._http)

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
        copy._connect(settings, retry_transport(settings, pool=self._transport))
        return copy

    def close(self) -> None:
        """Close the connection pool (a `with_options()` copy leaves it to the original)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def get_metrics(
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
        return unwrap(self._send(get_metrics.sync_detailed, **query), metrics_from_api)

    def get_realtime_metrics(self) -> RealtimeMetrics:
        """The latest real-time metrics (summaries derived when an upstream server omits them)."""
        return unwrap(self._send(get_realtime_metrics.sync_detailed), realtime_from_api)

    def generate_report(
        self,
        start_time: arguments.Timestamp | None = None,
        end_time: arguments.Timestamp | None = None,
        open_browser: bool = False,
    ) -> ReportResult:
        """Start a report over a time range (the last 24 hours by default); never sent twice."""
        body = arguments.report_request(start_time, end_time)
        report = unwrap(self._send(generate_report.sync_detailed, body=body), report_from_api)
        if open_browser and report.report_url:
            open_in_browser(arguments.absolute_url(self.base_url, report.report_url))
        return report

    def get_report_file(
        self, report_id: str, file_name: str, save_path: str | os.PathLike[str] | None = None
    ) -> FileResult:
        """One file of a report; with `save_path`, also written there atomically."""
        report_id, file_name = checked_report_id(report_id), checked_file_name(file_name)
        detailed = self._send(get_report_file.sync_detailed, report_id, file_name)
        url = arguments.report_file_url(self.base_url, report_id, file_name)
        return file_result(detailed, url, save_path)

    def get_visualization(
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
        detailed = self._send(get_visualization.sync_detailed, **query)
        result = file_result(detailed, url, save_path)
        return attrs.evolve(result, opened_in_browser=open_browser)

    def get_config(self) -> ConfigResult:
        """The current telemetry settings."""
        return unwrap(self._send(get_config.sync_detailed), config_from_api)

    def update_config(
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
        return unwrap(self._send(update_config.sync_detailed, body=body), config_from_api)

    def get_metrics_over_time(
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
        return metrics_over_time(
            self.get_metrics,
            over_time,
            operation_type=operation_type,
            backend=backend,
            status=status,
        )

    def monitor_realtime(
        self,
        callback: Callable[[RealtimeMetrics, int], None],
        interval: float = 5,
        duration: float | None = None,
    ) -> int:
        """Call `callback(metrics, iteration)` every `interval` seconds for `duration` (or ever).

        Blocks; ends early on KeyboardInterrupt. Returns how many iterations ran.
        """
        from wal_telemetry_sdk.monitor import Monitor

        monitor = Monitor(
            self.get_realtime_metrics,
            callback,
            interval=interval,
            duration=duration,
            raise_errors=True,
        )
        monitor.run()
        return monitor.iterations

    def _send(self, endpoint: Callable[..., Response[Any]], *args: Any, **kwargs: Any) -> Any:
        """Call a generated `*_detailed` function; what escapes it becomes an SDK exception."""
        try:
            return endpoint(*args, client=self._api, **kwargs)
        except WALTelemetryError:
            raise
        except httpx.DecodingError as error:
            raise invalid_body(error) from error
        except httpx.HTTPError as error:
            raise network_error(error, None) from error
        except PARSE_ERRORS as error:
            raise invalid_body(error) from error


def file_result(
    detailed: Response[Any], url: str, save_path: str | os.PathLike[str] | None
) -> FileResult:
    """A downloaded file, written atomically to `save_path` when one is given."""
    content = detailed.content
    saved = save_atomically(save_path, content) if save_path is not None else None
    content_type = detailed.headers.get("content-type")
    return FileResult(url=url, content=content, content_type=content_type, saved_path=saved)


def open_in_browser(url: str) -> bool:
    """Open `url` with `webbrowser`; a failure is logged, as in the seed, not raised."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except Exception as error:
        logger.warning("Could not open %s in a browser: %r", url, error)
        return False
