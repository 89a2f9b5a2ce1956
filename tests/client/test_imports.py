"""Importing the SDK is cheap: nothing heavy, no async machinery for sync programs."""

import re
from pathlib import Path
from typing import Any

from tests.fresh_interpreter import loaded_after, top_level

# (httpx itself imports click and rich when they are installed, so they are not listed.)
HEAVY = ("matplotlib", "pandas", "numpy", "requests", "aiohttp", "webbrowser")
# What no call needs before it is made: the generated package (its models package imports
# every model), the SDK's typed results, conversions, charts, alerts and time series.
FIRST_CALL = (
    "attrs",
    "wal_telemetry_api_client",
    "wal_telemetry_sdk._arguments",
    "wal_telemetry_sdk._conversion",
    "wal_telemetry_sdk.alerts",
    "wal_telemetry_sdk.charts",
    "wal_telemetry_sdk.enums",
    "wal_telemetry_sdk.models",
    "wal_telemetry_sdk.timeseries",
)


def test_the_package_import_loads_almost_nothing() -> None:
    modules = loaded_after("import wal_telemetry_sdk")
    assert not {m for m in modules if m.startswith("wal_telemetry_sdk.")} - {
        "wal_telemetry_sdk._version"
    }
    assert "wal_telemetry_api_client" not in modules


def test_importing_either_client_loads_nothing_a_call_would_load() -> None:
    for name in ("WALTelemetryClient", "AsyncWALTelemetryClient"):
        modules = loaded_after(f"from wal_telemetry_sdk import {name}")
        assert not modules & set(FIRST_CALL), name
        assert not top_level(modules) & set(HEAVY), name


def test_a_call_loads_its_own_endpoint_and_no_other(wal_telemetry_server: Any) -> None:
    modules = loaded_after(
        "from wal_telemetry_sdk import WALTelemetryClient\n"
        f"with WALTelemetryClient({wal_telemetry_server.url!r}) as client:\n"
        "    client.get_realtime_metrics()"
    )
    endpoints = {m for m in modules if m.startswith("wal_telemetry_api_client.api.")}
    assert endpoints == {
        "wal_telemetry_api_client.api.realtime",
        "wal_telemetry_api_client.api.realtime.get_realtime_metrics",
    }
    assert not modules & {"wal_telemetry_sdk.charts", "wal_telemetry_sdk.alerts"}
    assert not top_level(modules) & set(HEAVY)


def test_the_clients_load_no_heavy_library() -> None:
    modules = top_level(
        loaded_after(
            "from wal_telemetry_sdk import WALTelemetryClient, AsyncWALTelemetryClient; "
            "WALTelemetryClient(); AsyncWALTelemetryClient()"
        )
    )
    assert not modules & set(HEAVY)


def test_a_sync_program_never_loads_asyncio_or_async_connections() -> None:
    modules = loaded_after(
        "from wal_telemetry_sdk import WALTelemetryClient, TelemetryMetricType; "
        "WALTelemetryClient().close()"
    )
    assert "asyncio" not in modules
    assert "wal_telemetry_sdk._async.pool" not in modules


def test_the_async_client_brings_sniffio() -> None:
    """httpcore looks sniffio up for every lock it makes; when missing, each is a failed import."""
    assert "sniffio" in loaded_after("from wal_telemetry_sdk import AsyncWALTelemetryClient")


def test_the_check_itself_sees_heavy_imports() -> None:
    assert "matplotlib" in top_level(loaded_after("import wal_telemetry_sdk, matplotlib"))


def test_the_sdk_never_imports_the_server_package() -> None:
    """Commands that start a server reach it through its entry points, in another process."""
    package = Path(__file__).resolve().parents[2] / "wal_telemetry_sdk"
    importing = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+wal_telemetry_server\b", path.read_text(), re.M)
    ]
    assert importing == []
