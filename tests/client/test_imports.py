"""Importing the SDK is cheap: nothing heavy, no async machinery for sync programs."""

import re
import subprocess
import sys
from pathlib import Path

# (httpx itself imports click and rich when they are installed, so they are not listed.)
HEAVY = ("matplotlib", "pandas", "numpy", "requests", "aiohttp", "webbrowser")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_package_import_loads_almost_nothing() -> None:
    modules = loaded_after("import wal_telemetry_sdk")
    assert not {m for m in modules if m.startswith("wal_telemetry_sdk.")} - {
        "wal_telemetry_sdk._version"
    }
    assert "wal_telemetry_api_client" not in modules


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
