"""The HTTP layer: Starlette routes implementing `openapi.yaml` over a `TelemetryService`."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from wal_telemetry_server import idempotency, params
from wal_telemetry_server.chartdata import chart_for
from wal_telemetry_server.config import validate_update
from wal_telemetry_server.connections import DEFAULT_IDLE_TIMEOUT
from wal_telemetry_server.errors import ApiError, ValidationFailed, error_item
from wal_telemetry_server.faults import INSUFFICIENT_STORAGE, is_disk_full
from wal_telemetry_server.keepalive import AdvertiseKeepAlive
from wal_telemetry_server.model import API_PREFIX, MAX_BUCKETS, MAX_POINTS, REALTIME_WINDOW
from wal_telemetry_server.params import ParamReader
from wal_telemetry_server.queries import Buckets, TooManyPoints, metrics_tree, realtime, time_series
from wal_telemetry_server.renderer import RendererBusy
from wal_telemetry_server.report_summary import THRESHOLDS, Thresholds
from wal_telemetry_server.security import ApiKeyMiddleware, BodyLimitMiddleware
from wal_telemetry_server.service import ServerOptions, TelemetryService
from wal_telemetry_server.spec import openapi_bytes

log = logging.getLogger("wal_telemetry_server")
T = TypeVar("T")
DAY = 86_400.0
CHART_RETRY_AFTER = 2
CLIENT_CLOSED_REQUEST = 499
"""nginx's status for a request whose client left before the answer (never seen by it)."""


class Json(JSONResponse):
    """JSON with non-ASCII escaped, so any stored text (even lone surrogates) encodes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


def _service(request: Request) -> TelemetryService:
    service: TelemetryService = request.app.state.service
    return service


async def _read(request: Request, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work(conn)` in a worker thread inside one read transaction of the store."""
    store = _service(request).store

    def run() -> T:
        with store.reading() as conn:
            return work(conn)

    return await run_in_threadpool(run)


async def _unless_client_leaves(request: Request, work: Awaitable[T]) -> T | None:
    """The result of `work`, or None (with `work` cancelled) once the client disconnects."""

    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait((task, watch), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
    return task.result() if task in done else None


def _too_many(exc: TooManyPoints) -> ApiError:
    return ApiError(
        400,
        f"The response would have more than {exc.limit} points; narrow the time range or"
        " the filters, or ask for an aggregation",
    )


# -- routes --------------------------------------------------------------------------------


async def openapi_document(request: Request) -> Response:
    """The hand-maintained spec this server implements."""
    return Response(openapi_bytes(), media_type="application/yaml")


async def get_metrics(request: Request) -> Response:
    """Stored metrics as a tree of series, or of numbers with an aggregation."""
    reader = ParamReader(request.query_params)
    raw_type = reader.text("metric_type")
    sel = reader.selection()
    raw_aggregation = reader.text("aggregation")
    reader.done()
    params.check_order(sel.start_time, sel.end_time)
    metric_type = params.metric_type(raw_type)
    aggregation = params.aggregation(raw_aggregation)
    interval = _service(request).config.current.sampling_interval
    try:
        tree = await _read(
            request, lambda c: metrics_tree(c, metric_type, sel, aggregation, interval, MAX_POINTS)
        )
    except TooManyPoints as exc:
        raise _too_many(exc) from None
    return Json(
        {
            "success": True,
            "operation": "get_telemetry",
            "timestamp": time.time(),
            "metric_type": metric_type,
            "aggregation": aggregation,
            "metrics": tree,
        }
    )


async def get_realtime(request: Request) -> Response:
    """Summary of the operations of the last minute, and current gauges."""
    now = time.time()
    data = await _read(request, lambda c: realtime(c, now, REALTIME_WINDOW))
    return Json({"success": True, "operation": "get_realtime_telemetry", "timestamp": now, **data})


async def generate_report(request: Request) -> Response:
    """Start a report for a time range (default: the last 24 hours) and return its id at once."""
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    reader = ParamReader(fields, where="body")
    for name, value in form.multi_items():
        if isinstance(value, UploadFile) and name in ("start_time", "end_time", *THRESHOLDS):
            reader.errors.append(
                error_item("float_type", ["body", name], "Input should be a valid number", None)
            )
    start = reader.number("start_time")
    end = reader.number("end_time")
    given = {
        name: reader.number(name, minimum=0, maximum=1 if name == "min_success_rate" else None)
        for name in THRESHOLDS
    }
    reader.done()
    thresholds = Thresholds(**{k: v for k, v in given.items() if v is not None})
    key = idempotency.checked_key(request.headers.get(idempotency.HEADER))
    echo = {idempotency.HEADER: key} if key is not None else {}
    submitted = (start, end, *given.values())
    now = time.time()
    if end is None:
        end = now if start is None or start <= now else start + DAY
    if start is None:
        start = end - DAY
    params.check_order(start, end)
    service = _service(request)

    def create() -> dict[str, Any]:
        row = service.reports.start(start, end, thresholds)
        return {
            "success": True,
            "operation": "generate_telemetry_report",
            "timestamp": row.created_at,
            "report_id": row.report_id,
            "report_path": str(service.reports.folder(row.report_id)),
            "report_url": f"{API_PREFIX}/reports/{row.report_id}/report.html",
            "status": row.status,
        }

    try:
        if key is None:
            body = await run_in_threadpool(create)
        else:
            body = await run_in_threadpool(service.idempotent.once, key, submitted, create)
    except ApiError as error:  # a full queue: the client learns that its key is honoured
        error.headers = {**(error.headers or {}), **echo}
        raise
    return Json(body, headers=echo)


async def get_report_status(request: Request) -> Response:
    """Whether a report is still being written, and its files so far."""
    report_id = request.path_params["report_id"]
    row = await run_in_threadpool(_service(request).reports.status, report_id)
    body: dict[str, Any] = {
        "success": row.status != "failed",
        "report_id": row.report_id,
        "status": row.status,
        "files": row.files,
        "created_at": row.created_at,
    }
    if row.completed_at is not None:
        body["completed_at"] = row.completed_at
    if row.error is not None:
        body["error"] = row.error
    return Json(body)


async def get_report_file(request: Request) -> Response:
    """One file of a report, never anything outside its folder."""
    reports = _service(request).reports
    path, media_type = await run_in_threadpool(
        reports.file, request.path_params["report_id"], request.path_params["file_name"]
    )
    return FileResponse(path, media_type=media_type)


async def get_visualization(request: Request) -> Response:
    """A PNG chart of one metric type, drawn in a worker process."""
    reader = ParamReader(request.query_params)
    sel = reader.selection()
    w = reader.integer("width", default=12, minimum=1, maximum=40)
    h = reader.integer("height", default=8, minimum=1, maximum=40)
    reader.done()
    params.check_order(sel.start_time, sel.end_time)
    metric_type = params.metric_type(request.path_params["metric_type"])
    assert metric_type is not None
    service = _service(request)
    interval = service.config.current.sampling_interval
    spec = await _read(request, lambda c: chart_for(c, metric_type, sel, interval))
    try:
        png = await _unless_client_leaves(request, service.renderer.render_async(spec, w, h))
    except RendererBusy as exc:
        raise ApiError(503, str(exc), {"Retry-After": str(CHART_RETRY_AFTER)}) from None
    if png is None:  # nobody is waiting for it any more
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    return Response(png, media_type="image/png")


def _config_body(operation: str, config: dict[str, Any], warning: str | None = None) -> Json:
    body: dict[str, Any] = {
        "success": True,
        "operation": operation,
        "timestamp": time.time(),
        "config": config,
    }
    if warning:
        body["warning"] = warning
    return Json(body)


async def get_config(request: Request) -> Response:
    """The current settings."""
    return _config_body("get_telemetry_config", _service(request).config.current.to_dict())


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def update_config(request: Request) -> Response:
    """Change some settings; 422 names every refused field, `warning` names restart-only ones."""
    raw = await request.body()
    if not raw.strip():
        raise ValidationFailed([error_item("missing", ["body"], "Field required", None)])
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        pos = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
        raise ValidationFailed(
            [error_item("json_invalid", ["body", pos], "JSON decode error", {})]
        ) from None
    changes = validate_update(body)
    service = _service(request)
    config, warning = await run_in_threadpool(service.config.update, changes)
    if "retention_days" in changes:
        service.prune_soon()
    return _config_body("update_telemetry_config", config.to_dict(), warning)


async def get_time_series(request: Request) -> Response:
    """One aggregated tree per `step`-second bucket between the two times, from one query."""
    reader = ParamReader(request.query_params)
    raw_type = reader.text("metric_type")
    if raw_type is None:
        reader.errors.append(
            error_item("missing", ["query", "metric_type"], "Field required", None)
        )
    sel = reader.selection()
    start = reader.number("start_time", required=True)
    end = reader.number("end_time", required=True)
    step = reader.number("step", required=True, minimum=1)
    raw_aggregation = reader.text("aggregation")
    reader.done()
    assert start is not None and end is not None and step is not None
    metric_type = params.metric_type(raw_type)
    assert metric_type is not None
    aggregation = params.aggregation(raw_aggregation) or "average"
    if not end > start:
        raise ApiError(400, "end_time must be after start_time")
    count = (end - start) / step
    if not math.isfinite(count) or count > MAX_BUCKETS:
        raise ApiError(
            400, f"More than {MAX_BUCKETS} buckets; use a larger step or a shorter time range"
        )
    buckets = Buckets(start, step, max(1, math.ceil(count)), end)
    interval = _service(request).config.current.sampling_interval
    try:
        trees = await _read(
            request,
            lambda c: time_series(c, metric_type, sel, aggregation, interval, buckets, MAX_POINTS),
        )
    except TooManyPoints as exc:
        raise _too_many(exc) from None
    out = []
    for index, tree in enumerate(trees):
        low, high = buckets.bounds(index)
        out.append({"start_time": low, "end_time": high, "timestamp": high, "metrics": tree})
    return Json(
        {
            "success": True,
            "operation": "get_time_series",
            "timestamp": time.time(),
            "metric_type": metric_type,
            "aggregation": aggregation,
            "start_time": start,
            "end_time": end,
            "step": step,
            "buckets": out,
        }
    )


# -- errors --------------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return Json({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _validation_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationFailed)
    return Json({"detail": exc.errors}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return Json({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _storage_error(request: Request, exc: Exception) -> Response:
    """507 when the disk is full (nothing was stored), else the generic 500."""
    if not is_disk_full(exc):
        return await _server_error(request, exc)
    log.warning("disk full on %s %s: %s", request.method, request.url.path, exc)
    detail = "The server's disk is full, so nothing was changed; free space on the server and retry"
    return Json({"detail": detail}, status_code=INSUFFICIENT_STORAGE)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Json({"detail": "Internal server error"}, status_code=500)


Endpoint = Callable[[Request], Awaitable[Response]]


def route(path: str, **handlers: Endpoint) -> Route:
    """One route per path, so a 405's `Allow` lists every method the path has."""

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return Route(path, endpoint, methods=list(handlers))


ROUTES = [
    route("/openapi.yaml", GET=openapi_document),
    route(f"{API_PREFIX}/metrics", GET=get_metrics),
    route(f"{API_PREFIX}/realtime", GET=get_realtime),
    route(f"{API_PREFIX}/report", POST=generate_report),
    route(f"{API_PREFIX}/reports/{{report_id}}", GET=get_report_status),
    route(f"{API_PREFIX}/reports/{{report_id}}/{{file_name}}", GET=get_report_file),
    route(f"{API_PREFIX}/visualization/{{metric_type}}", GET=get_visualization),
    route(f"{API_PREFIX}/config", GET=get_config, POST=update_config),
    route(f"{API_PREFIX}/timeseries", GET=get_time_series),
]


def create_app(
    options: ServerOptions | None = None,
    service: TelemetryService | None = None,
    keep_alive: float = DEFAULT_IDLE_TIMEOUT,
) -> Starlette:
    """An ASGI app serving the WAL telemetry API; its lifespan starts and stops the service.

    Responses advertise `keep_alive`, the seconds the server keeps an idle connection open.

    Without `service`, the lifespan opens one from `options`; with it, the caller has opened it
    already (so that start-up problems surface before the server listens).
    """
    opts = service.options if service is not None else options or ServerOptions()
    opened = service

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        running = opened if opened is not None else await run_in_threadpool(TelemetryService, opts)
        await run_in_threadpool(running.start)
        app.state.service = running
        try:
            yield
        finally:
            await run_in_threadpool(running.stop)

    middleware = [
        Middleware(AdvertiseKeepAlive, seconds=keep_alive),
        Middleware(BodyLimitMiddleware),
    ]
    if opts.api_key:
        middleware.insert(0, Middleware(ApiKeyMiddleware, api_key=opts.api_key))
    return Starlette(
        routes=ROUTES,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            ApiError: _api_error,
            ValidationFailed: _validation_failed,
            HTTPException: _http_error,
            sqlite3.Error: _storage_error,
            OSError: _storage_error,
            Exception: _server_error,
        },
    )
