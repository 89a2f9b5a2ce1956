"""The sync twins of `_async/io.py`, hand-written: threads and blocking waits."""

import threading
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeAlias, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
CallbackResult: TypeAlias = None
Event = threading.Event


def sleep(seconds: float) -> None:
    """Block this thread."""
    time.sleep(seconds)


def resolve(result: CallbackResult) -> None:
    """Callbacks of the sync client return nothing to wait for."""


def run_blocking(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Blocking work simply runs in the caller's thread."""
    return function(*args, **kwargs)


def gather_bounded(fetch: Callable[[T], R], items: Iterable[T], limit: int) -> list[R]:
    """`fetch(item)` for every item in at most `limit` threads; results in the items' order."""
    from concurrent.futures import ThreadPoolExecutor  # only calls that fan out need it

    with ThreadPoolExecutor(limit, thread_name_prefix="wal-telemetry") as pool:
        return list(pool.map(fetch, items))


def connection_pool(verify: bool, limits: httpx.Limits) -> httpx.BaseTransport:
    """httpx's own pooled transport, its connections bounded by deadlines.

    httpx's transport takes no network backend, so its httpcore pool is replaced by one made
    with the same settings and the deadline backend.
    """
    import httpcore

    from wal_telemetry_sdk._sync.deadline import DeadlineBackend

    ssl_context = httpx.create_ssl_context(verify=verify)  # one, for both: each loads the CAs
    transport = httpx.HTTPTransport(verify=ssl_context, limits=limits)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=DeadlineBackend(httpcore.SyncBackend()),
    )
    return transport


def set_idle_expiry(pool: httpx.BaseTransport, seconds: float) -> None:
    """Keep the pool's idle connections `seconds`, the open ones included.

    httpcore reads each connection's expiry when a response ends, so the attributes set here
    apply from the response in progress on; they are private to httpcore 1.x.
    """
    core = getattr(pool, "_pool", None)
    if core is None:
        return
    core._keepalive_expiry = seconds
    for connection in list(core._connections):
        connection._keepalive_expiry = seconds
        if connection._connection is not None:
            connection._connection._keepalive_expiry = seconds


class Background:
    """`run()` going on in a daemon thread."""

    def __init__(self, run: Callable[[], None], name: str) -> None:
        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run to end or `timeout` to pass; whether it has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def alive(self) -> bool:
        return self._thread.is_alive()
