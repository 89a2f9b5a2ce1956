"""The running parts of a server: store, settings, workload, retention, reports, chart workers."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from wal_telemetry_server.config import ConfigManager, TelemetryConfig
from wal_telemetry_server.idempotency import IdempotentRequests
from wal_telemetry_server.renderer import ChartRenderer
from wal_telemetry_server.reports import ReportManager
from wal_telemetry_server.store import TelemetryStore
from wal_telemetry_server.workload import LiveWorkload, seed_history

log = logging.getLogger("wal_telemetry_server")
DAY = 86_400.0
RETENTION_CHECK_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """How to run a server: where data lives, whether to simulate a WAL, and the API key."""

    db_path: str | Path = ":memory:"
    reports_dir: Path | None = None
    api_key: str | None = None
    demo: bool = False
    seed: int = 42
    history_rate: float = 0.4
    """Operations per second in the seeded 24 h of history (`demo` only)."""
    live_rate: float = 2.0
    """Operations per second produced live (`demo` only)."""
    render_workers: int = 2
    warm_up: bool = True


def default_reports_dir(db_path: str | Path) -> Path:
    """`<db stem>-reports` next to a database file; a temporary folder for `:memory:`."""
    if str(db_path) == ":memory:":
        return Path(tempfile.mkdtemp(prefix="wal-telemetry-reports-"))
    path = Path(db_path).resolve()
    return path.with_name(f"{path.stem}-reports")


class TelemetryService:
    """Starts and stops everything a server needs; the HTTP layer reads its attributes."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.store = TelemetryStore(options.db_path)
        default_dir = options.reports_dir or default_reports_dir(options.db_path)
        self._scratch = default_dir if self.store.in_memory and not options.reports_dir else None
        self.config = ConfigManager(self.store, TelemetryConfig(metrics_path=str(default_dir)))
        self.reports_dir = self._reports_dir(default_dir)
        self.renderer = ChartRenderer(options.render_workers)
        self.reports = ReportManager(self.store, self.config, self.renderer, self.reports_dir)
        self.idempotent = IdempotentRequests()
        self.workload: LiveWorkload | None = None
        self._stop = threading.Event()
        self._prune_now = threading.Event()
        self._maintenance = threading.Thread(
            target=self._maintain, name="wal-retention", daemon=True
        )

    def _reports_dir(self, default_dir: Path) -> Path:
        """The configured `metrics_path` (read at start: "after a restart"), or the default."""
        if self.options.reports_dir is not None:
            chosen = self.options.reports_dir
        else:
            chosen = Path(self.config.current.metrics_path)
            try:
                chosen.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.warning("metrics_path %s is unusable (%s); using %s", chosen, exc, default_dir)
                chosen = default_dir
        chosen = chosen.resolve()
        if self.config.current.metrics_path != str(chosen):
            self.config.update({"metrics_path": str(chosen)})
        return chosen

    def start(self) -> None:
        """Seed and start the demo workload if asked, start retention, warm the chart workers."""
        settings = self.config.current
        if self.options.demo:
            if self.store.count_operations() == 0:
                seed_history(
                    self.store,
                    seed=self.options.seed,
                    end=float(int(time.time())),
                    rate=self.options.history_rate,
                    sampling_interval=settings.sampling_interval,
                )
            if settings.operation_hooks:
                self.workload = LiveWorkload(
                    self.store,
                    seed=self.options.seed + 1,
                    rate=self.options.live_rate,
                    sampling_interval=lambda: float(self.config.current.sampling_interval),
                    enabled=lambda: self.config.current.enabled,
                )
                self.workload.start()
        self._maintenance.start()
        if self.options.warm_up:
            self.renderer.warm_up()

    def prune_soon(self) -> None:
        """Apply the retention setting now rather than at the next periodic check."""
        self._prune_now.set()

    def _maintain(self) -> None:
        while not self._stop.is_set():
            days = self.config.current.retention_days
            try:
                self.store.prune(time.time() - days * DAY)
            except Exception:  # keep retention running; the next pass retries
                log.exception("retention pass failed")
            self._prune_now.wait(RETENTION_CHECK_SECONDS)
            self._prune_now.clear()

    def stop(self) -> None:
        """Stop producing, finish writing, close chart workers and the store."""
        self._stop.set()
        self._prune_now.set()
        if self.workload is not None:
            self.workload.stop()
        if self._maintenance.is_alive():
            self._maintenance.join(timeout=30)
        self.reports.close()
        self.renderer.close()
        self.store.close()
        if self._scratch is not None:  # reports of an in-memory store vanish with it
            shutil.rmtree(self._scratch, ignore_errors=True)
