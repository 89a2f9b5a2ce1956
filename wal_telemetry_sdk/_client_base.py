"""What the sync and async clients share that does no I/O: settings, and what the server offers."""

from typing import Any

import httpx

from wal_telemetry_sdk._config import Settings

# Request URLs parsed once and kept, per client: one per operation, and a few report files.
KEPT_URLS = 64


class ClientBase:
    """Settings read back as properties, and which reference-only operations the server has."""

    _settings: Settings

    def _adopt(self, settings: Settings) -> None:
        self._settings = settings
        # Operations only the reference server offers; set False on a server without them.
        self._offers_timeseries = True
        self._offers_report_status = True
        self._urls: dict[str, httpx.URL] = {}

    def _absolute(self, request: dict[str, Any]) -> dict[str, Any]:
        """A generated request with its path as a parsed absolute URL. Given the path, httpx
        would parse it and the base URL again on every call; here each is parsed once."""
        path = request["url"]
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self._settings.base_url + path)
            if len(self._urls) < KEPT_URLS:
                self._urls[path] = url
        return {**request, "url": url}

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
