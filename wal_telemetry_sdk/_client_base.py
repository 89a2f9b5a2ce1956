"""What the sync and async clients share that does no I/O: settings, and what the server offers."""

from wal_telemetry_sdk._config import Settings


class ClientBase:
    """Settings read back as properties, and which reference-only operations the server has."""

    _settings: Settings

    def _adopt(self, settings: Settings) -> None:
        self._settings = settings
        # Operations only the reference server offers; set False on a server without them.
        self._offers_timeseries = True
        self._offers_report_status = True

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
