"""The `wal-telemetry` command line run in-process against the shared reference server."""

from typing import Any

import pytest

from wal_telemetry_sdk.cli import main


class Run:
    """The outcome of one in-process `wal-telemetry` run."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run(wal_telemetry_server: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    """`run(*args, url=None)`: the command against the server (or `url`), and what it printed."""

    def invoke(*args: str, url: str | None = None) -> Run:
        try:
            main(["--url", url or wal_telemetry_server.url, *args])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke
