"""Client test helpers: an address nobody listens on, and retries without long waits."""

import socket
from collections.abc import Iterator

import pytest

from wal_telemetry_sdk import _request_policy


@pytest.fixture
def unreachable_url() -> str:
    """A loopback URL with no server: any request sent there fails to connect."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Back off for a millisecond instead of half a second, so retry tests run fast."""
    monkeypatch.setattr(_request_policy, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(_request_policy, "MAX_RETRY_DELAY", 0.004)
    yield


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No WAL_TELEMETRY_* variable from the developer's shell leaks into a test."""
    for name in ("API_URL", "API_KEY", "TIMEOUT", "VERIFY_SSL"):
        monkeypatch.delenv(f"WAL_TELEMETRY_{name}", raising=False)
