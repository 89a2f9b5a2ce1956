"""The `wal-telemetry` command line (extra `[cli]`): the SDK's main job from a terminal."""

import sys

__all__ = ["main"]

# What the command line needs beyond the SDK's core: the extra `[cli]`.
CLI_MODULES = ("click", "rich")


def main(argv: list[str] | None = None) -> None:
    """Run `wal-telemetry`, or say in one line which extra to install."""
    try:
        from wal_telemetry_sdk.cli.commands import main as run
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in CLI_MODULES:
            raise
        print(
            f"wal-telemetry needs {error.name}: pip install 'wal-telemetry-sdk[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    run(argv)
