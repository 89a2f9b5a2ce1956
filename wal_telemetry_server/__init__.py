"""Reference server for the WAL telemetry API: `openapi.yaml` over an embedded SQLite store.

In-process use: `create_app(ServerOptions(...))` gives an ASGI app; `TelemetryStore` reads and
writes samples directly. Both are imported on first use so that `import wal_telemetry_server`
(and the pytest plugin) stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wal_telemetry_server.app import create_app
    from wal_telemetry_server.service import ServerOptions, TelemetryService
    from wal_telemetry_server.store import TelemetryStore

__all__ = ["ServerOptions", "TelemetryService", "TelemetryStore", "create_app"]

_LAZY = {
    "create_app": "wal_telemetry_server.app",
    "ServerOptions": "wal_telemetry_server.service",
    "TelemetryService": "wal_telemetry_server.service",
    "TelemetryStore": "wal_telemetry_server.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'wal_telemetry_server' has no attribute {name!r}")
