"""Shared test helpers: where the repository's files are, and a Prism process on loopback."""

import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from tests.clients import KINDS, Kind

ROOT = Path(__file__).resolve().parent.parent
PRISM = ROOT / "node_modules" / ".bin" / "prism"
LISTENING = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
StartPrism = Callable[[list[str], Path], AbstractContextManager[str]]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@contextmanager
def running_prism(arguments: list[str], log: Path) -> Iterator[str]:
    """`prism <arguments> openapi.yaml ... --errors` on a free loopback port; yields its URL.

    `arguments` are the mode and its operands, e.g. `["mock"]` or `["proxy", upstream_url]`
    (the spec is inserted after the mode). Everything Prism prints goes to `log`; the process is
    stopped by its PID.
    """
    if not PRISM.exists():
        pytest.fail(f"{PRISM} is missing; run `make node`")
    mode, *operands = arguments
    command = [str(PRISM), mode, str(ROOT / "openapi.yaml"), *operands, "--errors",
               "-h", "127.0.0.1", "-p", "0"]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + 90
        while not (match := LISTENING.search(log.read_text(errors="replace"))):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "Prism did not start"
            time.sleep(0.2)
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def start_prism() -> StartPrism:
    """`start_prism(["mock"], log)` as a context manager yielding Prism's base URL."""
    return running_prism


@pytest.fixture(params=KINDS)
def client_kind(request: pytest.FixtureRequest) -> Kind:
    """Run the test once with the sync client and once with the async one (see clients.py)."""
    kind: Kind = request.param
    return kind
