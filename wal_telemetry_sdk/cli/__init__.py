"""The `wal-telemetry` command line (extra `[cli]`): the SDK's main job from a terminal."""

from wal_telemetry_sdk.cli.commands import main

__all__ = ["main"]
