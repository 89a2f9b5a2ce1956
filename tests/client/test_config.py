"""Settings: argument over environment variable over the seed's default, each validated."""

from pathlib import Path

import httpx
import pytest

from tests.clients import Kind, close_http, make_client, mock_http
from wal_telemetry_sdk import AsyncWALTelemetryClient, WALTelemetryClient
from wal_telemetry_sdk._config import resolve_settings

RESPONSES = Path(__file__).resolve().parents[1] / "fixtures" / "responses"


def test_defaults_are_the_seeds() -> None:
    settings = resolve_settings()
    assert settings.base_url == "http://localhost:8000"
    assert settings.api_key is None
    assert settings.timeout == 30
    assert settings.verify_ssl is True
    assert settings.max_retries == 2


def test_environment_variables_apply_when_arguments_are_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_API_URL", "https://telemetry.example:9000/")
    monkeypatch.setenv("WAL_TELEMETRY_API_KEY", "from-env")
    monkeypatch.setenv("WAL_TELEMETRY_TIMEOUT", "2.5")
    monkeypatch.setenv("WAL_TELEMETRY_VERIFY_SSL", "no")
    settings = resolve_settings()
    assert settings.base_url == "https://telemetry.example:9000"
    assert settings.api_key == "from-env"
    assert settings.timeout == 2.5
    assert settings.verify_ssl is False


def test_arguments_win_over_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_API_URL", "http://env:1")
    monkeypatch.setenv("WAL_TELEMETRY_API_KEY", "from-env")
    monkeypatch.setenv("WAL_TELEMETRY_TIMEOUT", "9")
    monkeypatch.setenv("WAL_TELEMETRY_VERIFY_SSL", "0")
    settings = resolve_settings("http://arg:2", "from-arg", 4, True)
    assert (settings.base_url, settings.api_key, settings.timeout, settings.verify_ssl) == (
        "http://arg:2",
        "from-arg",
        4.0,
        True,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("true", True), ("YES", True), (" 0 ", False), ("False", False), ("no", False)],
)
def test_verify_ssl_words(monkeypatch: pytest.MonkeyPatch, text: str, expected: bool) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_VERIFY_SSL", text)
    assert resolve_settings().verify_ssl is expected


@pytest.mark.parametrize("text", ["2", "on", "nope", "tru"])
def test_other_verify_ssl_words_are_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_VERIFY_SSL", text)
    with pytest.raises(ValueError, match="WAL_TELEMETRY_VERIFY_SSL must be one of 0, 1, true"):
        resolve_settings()


@pytest.mark.parametrize("text", ["soon", "0", "-1", "inf", "nan"])
def test_a_bad_timeout_variable_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_TIMEOUT", text)
    with pytest.raises(ValueError, match=r"(?i)timeout"):
        resolve_settings()


@pytest.mark.parametrize(
    "arguments",
    [
        {"base_url": "localhost:8000"},
        {"timeout": 0},
        {"timeout": "30"},
        {"max_retries": -1},
        {"max_retries": 1.5},
    ],
)
def test_bad_arguments_fail_at_construction(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WALTelemetryClient(**arguments)  # type: ignore[arg-type]


def test_the_api_key_stays_out_of_reprs() -> None:
    settings = resolve_settings(api_key="s3cr3t-key")
    client = WALTelemetryClient(api_key="s3cr3t-key")
    async_client = AsyncWALTelemetryClient(api_key="s3cr3t-key")
    for text in (repr(settings), repr(client), str(client), repr(async_client)):
        assert "s3cr3t-key" not in text
    client.close()


def test_with_options_changes_policy_and_shares_the_pool() -> None:
    with WALTelemetryClient(timeout=5, max_retries=1) as client:
        quick = client.with_options(timeout=1.5, max_retries=0)
        assert (quick.timeout, quick.max_retries) == (1.5, 0)
        assert (client.timeout, client.max_retries) == (5, 1)
        assert quick._transport.inner is client._transport.inner
        quick.close()
        assert not client._http.is_closed
        with pytest.raises(ValueError):
            client.with_options(timeout=-1)


def test_a_base_url_with_a_path_prefixes_every_request(client_kind: Kind) -> None:
    """Behind a reverse proxy the API lives under a path; each call's URL keeps it (the
    clients parse each operation's URL once and reuse it)."""
    body = (RESPONSES / "getRealtimeMetrics.reference.json").read_bytes()
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(str(request.url))
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    http = mock_http(client_kind, handler)
    with make_client(client_kind, "http://wal.test/telemetry/", http_client=http) as client:
        client.get_realtime_metrics()
        client.get_realtime_metrics()
    close_http(http)
    assert paths == ["http://wal.test/telemetry/api/v0/wal/telemetry/realtime"] * 2
