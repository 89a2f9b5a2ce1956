"""The running parts of a server: store, settings, workload, retention, reports, chart workers."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from wal_telemetry_server.config import ConfigManager, TelemetryConfig
from wal_telemetry_server.errors import StartupError
from wal_telemetry_server.idempotency import IdempotentRequests
from wal_telemetry_server.lockfile import DatabaseLock
from wal_telemetry_server.renderer import ChartRenderer
from wal_telemetry_server.reports import DEFAULT_MAX_REPORTS, ReportManager
from wal_telemetry_server.security import confined
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
    max_reports: int = DEFAULT_MAX_REPORTS
    """Reports kept; beyond it (and past `retention_days`) the oldest are deleted."""
    warm_up: bool = True


def _make_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"cannot create the reports folder {path}: {exc.strerror}") from None


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
        in_memory = str(options.db_path) == ":memory:"
        self.lock = None if in_memory else DatabaseLock(Path(options.db_path))
        with ExitStack() as undo:  # a refused start leaves nothing open or locked
            if self.lock is not None:
                self.lock.acquire()
                undo.callback(self.lock.release)
            self.store = TelemetryStore(options.db_path)
            undo.callback(self.store.close)
            chosen = options.reports_dir or default_reports_dir(options.db_path)
            self._scratch = chosen if in_memory and not options.reports_dir else None
            self.reports_root = chosen.resolve()
            _make_folder(self.reports_root)
            self.config = ConfigManager(self.store, TelemetryConfig(str(self.reports_root)))
            self.reports_dir = self._reports_dir()
            self.renderer = ChartRenderer(options.render_workers)
            self.reports = ReportManager(
                self.store,
                self.config,
                self.renderer,
                self.reports_dir,
                max_reports=options.max_reports,
                root=self.reports_root,
            )
            self.idempotent = IdempotentRequests()
            undo.pop_all()
        self.workload: LiveWorkload | None = None
        self._stop = threading.Event()
        self._prune_now = threading.Event()
        self._maintenance = threading.Thread(
            target=self._maintain, name="wal-retention", daemon=True
        )

    def _reports_dir(self) -> Path:
        """`metrics_path` (read at start: "after a restart"), confined to the reports root."""
        wanted = confined(self.reports_root, self.config.current.metrics_path)
        try:
            wanted.mkdir(parents=True, exist_ok=True)
            if wanted.resolve().is_relative_to(self.reports_root):
                return wanted.resolve()
            problem = "it leads out of the reports root through a symbolic link"
        except OSError as exc:
            problem = exc.strerror or str(exc)
        log.warning(
            "metrics_path %s is unusable (%s); reports go to %s", wanted, problem, self.reports_root
        )
        return self.reports_root

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
                self.reports.prune()
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
        if self.lock is not None:
            self.lock.release()
        if self._scratch is not None:  # reports of an in-memory store vanish with it
            shutil.rmtree(self._scratch, ignore_errors=True)
