"""Where `serve` keeps its database and reports when not told: the platform's user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "WAL_TELEMETRY_DATA_DIR"
APP = "wal-telemetry"


def default_data_dir() -> Path:
    """`$WAL_TELEMETRY_DATA_DIR`, else the user data folder: `$XDG_DATA_HOME/wal-telemetry`
    (`~/.local/share/wal-telemetry`) on Linux, `~/Library/Application Support/wal-telemetry` on
    macOS, `%LOCALAPPDATA%\\wal-telemetry` on Windows."""
    if chosen := os.environ.get(DATA_DIR_ENV):
        return Path(chosen).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / APP
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP
