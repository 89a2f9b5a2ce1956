"""The `wal-telemetry-server` command: one line naming the extra to install when it is missing."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

# What serving needs beyond the SDK's core: the extra `[server]`.
SERVER_MODULES = ("starlette", "uvicorn", "matplotlib")


def missing_modules() -> list[str]:
    """The server's modules that are not installed."""
    return [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server, or say in one line which extra to install."""
    if missing := missing_modules():
        print(
            f"wal-telemetry-server needs {', '.join(missing)}: "
            "pip install 'wal-telemetry-sdk[server]'",
            file=sys.stderr,
        )
        return 1
    from wal_telemetry_server.__main__ import main as serve

    return serve(argv)


if __name__ == "__main__":
    raise SystemExit(main())
