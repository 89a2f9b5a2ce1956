"""Importing the SDK is cheap: nothing heavy, no async machinery for sync programs, and of the
generated package only the modules in use (its package inits import their names on first use)."""

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fresh_interpreter import GENERATED_ENUMS, generated, loaded_after, top_level

# (httpx itself imports click and rich when they are installed, so they are not listed.)
HEAVY = ("matplotlib", "pandas", "numpy", "requests", "aiohttp", "webbrowser")
# What no call needs before it is made: the generated package, the SDK's typed results,
# conversions, charts, alerts and time series.
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


def test_the_enums_load_only_their_own_modules() -> None:
    """Neither httpx nor any model: the generated package inits import nothing up front."""
    for statement in (
        "from wal_telemetry_sdk import TelemetryMetricType",
        "from wal_telemetry_api_client.models.telemetry_metric_type import TelemetryMetricType",
    ):
        modules = loaded_after(statement)
        assert generated(modules) <= GENERATED_ENUMS, statement
        assert not top_level(modules) & {"httpx", "attrs"}, statement


def test_the_seed_import_line_loads_the_enums_and_no_model() -> None:
    modules = loaded_after("from wal_telemetry_sdk import WALTelemetryClient, TelemetryMetricType")
    assert generated(modules) == GENERATED_ENUMS
    assert "attrs" not in modules


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
    others = {  # what only other operations send or receive
        f"wal_telemetry_api_client.models.{name}"
        for name in (
            *("config_update", "report_request", "metrics_tree", "time_bucket"),
            *("metrics_response", "report_response", "report_status", "time_series_response"),
            *("config_response", "telemetry_config"),
        )
    }
    assert not modules & others
    assert not modules & {"wal_telemetry_sdk.charts", "wal_telemetry_sdk.alerts"}
    assert not top_level(modules) & set(HEAVY)


@pytest.mark.parametrize("package", ["wal_telemetry_api_client", "wal_telemetry_api_client.models"])
def test_every_name_a_generated_package_exports_resolves(package: str) -> None:
    """By attribute and by `import *`, each from a module of the package."""
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert value.__name__ == name
        assert value.__module__.startswith(f"{package}."), name
    namespace: dict[str, Any] = {}
    exec(f"from {package} import *", namespace)
    assert set(module.__all__) <= set(namespace) & set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'Missing'"):
        module.Missing  # noqa: B018


def test_the_models_package_exports_every_model_module() -> None:
    models = importlib.import_module("wal_telemetry_api_client.models")
    files = {path.stem for path in Path(models.__file__).parent.glob("*.py")} - {"__init__"}
    exported = {getattr(models, name).__module__.rpartition(".")[2] for name in models.__all__}
    assert exported == files


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
