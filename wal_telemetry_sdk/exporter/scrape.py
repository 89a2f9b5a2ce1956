"""Reading `/realtime` from many targets at once, each bounded by the scrape's time budget.

A target that fails or is slow yields a reading without metrics; it never fails the others.
"""

import asyncio
import logging
import time
from collections.abc import Iterable

import attrs

from wal_telemetry_sdk import AsyncWALTelemetryClient
from wal_telemetry_sdk.errors import WALTelemetryError
from wal_telemetry_sdk.exporter.targets import Target
from wal_telemetry_sdk.models import RealtimeMetrics

__all__ = ["Reading", "TargetReader"]

logger = logging.getLogger("wal_telemetry_sdk.exporter")

MAX_CLIENTS = 256  # clients kept for probed targets; the least recently added is closed first


@attrs.frozen
class Reading:
    """One target's realtime metrics (None when the read failed), how long it took, and why not."""

    target: Target
    metrics: RealtimeMetrics | None
    duration: float
    error: str | None = None


class TargetReader:
    """Reads targets through one async client per target, kept open for the next scrape.

    Runs on one event loop. Clients do not retry: Prometheus scrapes again soon anyway, and a
    retry would spend the budget the other targets share.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._clients: dict[Target, AsyncWALTelemetryClient] = {}
        self._failing: set[Target] = set()

    async def _client(self, target: Target) -> AsyncWALTelemetryClient:
        client = self._clients.get(target)
        if client is None:
            if len(self._clients) >= MAX_CLIENTS:
                await self._clients.pop(next(iter(self._clients))).close()
            client = AsyncWALTelemetryClient(
                target.url, api_key=target.api_key, timeout=self.timeout, max_retries=0
            )
            self._clients[target] = client
        return client

    async def read(self, target: Target, budget: float) -> Reading:
        """`target`'s realtime metrics within `budget` seconds, or the reason there are none."""
        started = time.perf_counter()
        metrics, error = None, None
        try:
            async with asyncio.timeout(budget):
                client = await self._client(target)
                metrics = await client.get_realtime_metrics()
        except TimeoutError:
            error = f"no answer within {budget:.3g} s"
        except WALTelemetryError as failure:
            error = str(failure)
        except Exception as failure:  # a bug must not fail the other targets' scrape either
            logger.exception("reading %s failed", target.url)
            error = f"{type(failure).__name__}: {failure}"
        self._log_change(target, error)
        return Reading(target, metrics, time.perf_counter() - started, error)

    async def read_all(self, targets: Iterable[Target], budget: float) -> list[Reading]:
        """Every target's reading, read concurrently, in the order given."""
        return list(await asyncio.gather(*(self.read(target, budget) for target in targets)))

    def _log_change(self, target: Target, error: str | None) -> None:
        if error is not None and target not in self._failing:
            self._failing.add(target)
            logger.warning("%s is down: %s", target.url, error)
        elif error is None and target in self._failing:
            self._failing.discard(target)
            logger.warning("%s is up again", target.url)

    async def close(self) -> None:
        """Close every client's connections."""
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(client.close() for client in clients))
