"""Performance reports: written in a background thread (charts in the renderer's processes).

A report folder holds `report.html` (charts linked by relative names, so it shows from disk and
over HTTP), `index.html` (the same page, as the original client fetches it), `report.json` and
one `<metric_type>.png` per metric type. Tables and charts show latency in milliseconds and
rates as percentages; `report.json` keeps the API's units and names them in `units`.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import sqlite3
import stat
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from wal_telemetry_server.chartdata import charts_for
from wal_telemetry_server.config import ConfigManager
from wal_telemetry_server.errors import ApiError
from wal_telemetry_server.faults import describe
from wal_telemetry_server.model import METRIC_TYPES, Selection
from wal_telemetry_server.queries import summary
from wal_telemetry_server.renderer import ChartRenderer
from wal_telemetry_server.report_page import SUMMARY_AGGREGATIONS, render_html
from wal_telemetry_server.report_summary import Thresholds, headline, headline_data
from wal_telemetry_server.security import check_file_name, check_report_id, contained
from wal_telemetry_server.store import ReportRow, TelemetryStore

log = logging.getLogger("wal_telemetry_server")
CHART_SIZE = (12, 6)
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
}
MAX_IN_FLIGHT = 8
DEFAULT_MAX_REPORTS = 100
"""Reports kept (about 1.3 MB each); older ones are deleted first."""
DAY = 86_400.0


STOPPED = "the server stopped before the report was complete"


class ReportStopped(Exception):
    """The server is shutting down while a report is being written."""


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _is_own_file(path: Path) -> bool:
    """A regular file with one name: the server writes each report file once, never linked."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_nlink == 1


# The units of report.json's summary: as the API sends them.
JSON_UNITS = {
    "operation_count": "operations",
    "operation_latency": "s",
    "success_rate": "ratio",
    "error_rate": "ratio",
    "backend_health": "health",
    "throughput": "ops/s",
    "queue_size": "operations",
    "retry_count": "retries",
}


class ReportManager:
    """Starts reports, writes them one at a time in a background thread, and serves their files."""

    def __init__(
        self,
        store: TelemetryStore,
        config: ConfigManager,
        renderer: ChartRenderer,
        reports_dir: Path,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_reports: int = DEFAULT_MAX_REPORTS,
        root: Path | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.renderer = renderer
        self.reports_dir = reports_dir
        self.max_in_flight = max_in_flight
        self.max_reports = max_reports
        self.root = root or reports_dir
        """Where every `metrics_path` leads; reports written before a change stay below it."""
        self._prune_lock = threading.Lock()
        self._unsaved: dict[str, ReportRow] = {}
        """Final states the store could not take (a full disk); saved again on the next pass."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-report")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._stopping = threading.Event()
        store.fail_unfinished_reports(STOPPED)

    def start(
        self, start_time: float, end_time: float, thresholds: Thresholds | None = None
    ) -> ReportRow:
        """Register a report and queue its writing; 429 when too many are already queued.

        The row is stored before the folder is made, so a folder never exists without a row.
        """
        with self._lock:
            if self._in_flight >= self.max_in_flight:
                raise ApiError(
                    429,
                    f"{self._in_flight} reports are being written; retry in a few seconds",
                    {"Retry-After": "5"},
                )
            self._in_flight += 1
        try:
            now = time.time()
            report_id = f"report_{int(now)}_{secrets.token_hex(8)}"
            row = ReportRow(report_id, "pending", now, None, start_time, end_time, None, [])
            self.store.save_report(row)
            try:
                self.folder(report_id).mkdir()
            except BaseException:
                self.store.delete_report(report_id)
                raise
            future = self._executor.submit(self._write, row, thresholds or Thresholds())
        except BaseException:
            self._release()
            raise
        future.add_done_callback(self._released)
        return row

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _released(self, _future: Future[None]) -> None:
        self._release()

    def folder(self, report_id: str) -> Path:
        """Where a report's files are written."""
        return self.reports_dir / report_id

    def status(self, report_id: str) -> ReportRow:
        """A report's state; 400 for a malformed id, 404 when unknown."""
        check_report_id(report_id)
        with self._lock:
            unsaved = self._unsaved.get(report_id)
        row = unsaved or self.store.load_report(report_id)
        if row is None:
            raise ApiError(404, "Report not found")
        return row

    def file(self, report_id: str, file_name: str) -> tuple[Path, str]:
        """A file that the stored report lists, from the folder the server made for it.

        400 for malformed names; 404 for anything else: no such report, a file it does not list,
        a symbolic or hard link, or anything that is not a regular file.
        """
        check_report_id(report_id)
        check_file_name(file_name)
        row = self.store.load_report(report_id)
        media_type = MEDIA_TYPES.get(Path(file_name).suffix.lower())
        path = contained(self.reports_dir, report_id, file_name)
        if (
            row is None
            or file_name not in row.files
            or media_type is None
            or path is None
            or not _is_own_file(path)
        ):
            raise ApiError(404, "Report file not found")
        return path, media_type

    def prune(self) -> int:
        """Delete reports past `retention_days` and beyond the newest `max_reports`, oldest
        first: the folder, then the row (a folder that cannot be removed keeps its row, and is
        tried again on the next pass). Returns how many were deleted."""
        self._save_unsaved()
        cutoff = time.time() - self.config.current.retention_days * DAY
        deleted = 0
        with self._prune_lock:
            for report_id in self.store.expired_reports(cutoff, self.max_reports):
                folders = self._folders_of(report_id)
                for folder in folders:
                    shutil.rmtree(folder, ignore_errors=True)
                if any(folder.exists() for folder in folders):
                    log.warning("cannot delete the expired report folder of %s", report_id)
                    continue
                self.store.delete_report(report_id)
                deleted += 1
        return deleted

    def _folders_of(self, report_id: str) -> list[Path]:
        """The report's folder, here or under an earlier `metrics_path` below the root."""
        here = self.folder(report_id)
        if here.is_dir() and not here.is_symlink():
            return [here]
        return [
            Path(top) / report_id
            for top, subdirs, _ in os.walk(self.root)  # does not follow symbolic links
            if report_id in subdirs and not (Path(top) / report_id).is_symlink()
        ]

    def _save(self, row: ReportRow, **changes: Any) -> ReportRow:
        new = replace(row, **changes)
        self.store.save_report(new)
        return new

    def _write(self, row: ReportRow, thresholds: Thresholds) -> None:
        try:
            row = self._save(row, status="running")
            files = self._build(row, thresholds)
        except ReportStopped:
            final = replace(row, status="failed", error=STOPPED)
        except Exception as exc:  # a failed report is reported through its status
            final = replace(row, status="failed", error=describe(exc), completed_at=time.time())
        else:
            final = replace(row, status="complete", files=files, completed_at=time.time())
        if final.status == "failed":  # no partial report left behind, and its space freed
            shutil.rmtree(self.folder(row.report_id), ignore_errors=True)
        self._finish(final)
        self.prune()

    def _finish(self, final: ReportRow) -> None:
        """Store a report's final state; kept in memory while the store cannot take it."""
        try:
            self.store.save_report(final)
        except sqlite3.Error as exc:
            log.warning("cannot store the state of %s: %s", final.report_id, describe(exc))
            with self._lock:
                self._unsaved[final.report_id] = final
            return
        with self._lock:
            self._unsaved.pop(final.report_id, None)

    def _save_unsaved(self) -> None:
        with self._lock:
            pending = list(self._unsaved.values())
        for final in pending:
            self._finish(final)

    def _check_stopping(self) -> None:
        if self._stopping.is_set():
            raise ReportStopped

    def _build(self, row: ReportRow, thresholds: Thresholds) -> list[str]:
        folder = self.folder(row.report_id)
        interval = self.config.current.sampling_interval
        sel = Selection(start_time=row.start_time, end_time=row.end_time)
        with self.store.reading() as conn:
            models = charts_for(conn, METRIC_TYPES, sel, interval)
        self._check_stopping()
        futures = {
            t: self.renderer.submit(model, *CHART_SIZE, background=True)
            for t, model in models.items()
        }
        charts: dict[str, str] = {}
        try:
            with self.store.reading() as conn:  # while the PNGs are drawn in other processes
                data_summary = summary(conn, sel, interval, SUMMARY_AGGREGATIONS)
                self._check_stopping()
                head = headline(conn, row.start_time, row.end_time, interval, thresholds)
            for metric_type, future in futures.items():
                name = f"{metric_type}.png"
                _write_atomic(folder / name, future.result())
                charts[metric_type] = name
                self._check_stopping()
        finally:
            for future in futures.values():
                future.cancel()
        files = ["report.html", "index.html", "report.json", *charts.values()]
        data = {
            "report_id": row.report_id,
            "generated_at": time.time(),
            "start_time": row.start_time,
            "end_time": row.end_time,
            "sampling_interval": interval,
            "summary": data_summary,
            "headline": headline_data(head),
            "units": JSON_UNITS,
            "charts": charts,
            "files": files,
        }
        _write_atomic(folder / "report.json", json.dumps(data, indent=1).encode())
        self._save(row, status="running", files=["report.json", *charts.values()])
        page = render_html(data, head, models).encode()
        _write_atomic(folder / "report.html", page)
        _write_atomic(folder / "index.html", page)  # the original client fetches index.html
        return files

    def close(self) -> None:
        """Stop writing: queued reports are dropped, a running one ends as failed."""
        self._stopping.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._save_unsaved()
        self.store.fail_unfinished_reports(STOPPED)
