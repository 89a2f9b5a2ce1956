"""Fault injection (respx and httpx.MockTransport) on both clients: retries, deadlines, typed
errors, redaction."""

import json
import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tests.clients import Kind, close_http, make_client, mock_http
from wal_telemetry_sdk import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
    WALTelemetryError,
)
from wal_telemetry_sdk._request_policy import RetryBudget, retry_after_seconds

BASE = "http://wal.test"
PREFIX = "/api/v0/wal/telemetry"
REALTIME = json.loads(
    (
        Path(__file__).resolve().parents[1] / "fixtures/responses/getRealtimeMetrics.reference.json"
    ).read_text()
)
API_KEY = "sk-never-show-this-4242"


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=REALTIME)


@pytest.fixture
def client(client_kind: Kind) -> Iterator[Any]:
    with make_client(client_kind, BASE, api_key=API_KEY) as client:
        yield client


@pytest.mark.usefixtures("quick_retries")
def test_one_percent_of_500s_never_reach_the_caller(client: Any) -> None:
    dice = random.Random(20261128)
    served = {"ok": 0, "error": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        if dice.random() < 0.01:
            served["error"] += 1
            return httpx.Response(500, json={"detail": "read/write race"})
        served["ok"] += 1
        return ok(request)

    failures = 0
    with respx.mock(base_url=BASE) as mock:
        mock.get(f"{PREFIX}/realtime").mock(side_effect=flaky)
        for _ in range(2000):
            try:
                client.get_realtime_metrics()
            except WALTelemetryError:
                failures += 1
    assert failures == 0
    assert served["ok"] == 2000
    assert served["error"] >= 10  # the faults really happened


@pytest.fixture
def stalled_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_stalled_server_times_out_within_the_timeout(
    stalled_server: str, client_kind: Kind
) -> None:
    timeout = 1.0
    with make_client(client_kind, stalled_server, timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as raised:
            client.get_realtime_metrics()
        elapsed = time.monotonic() - started
    assert timeout * 0.9 <= elapsed < timeout + 1.5  # the server would never answer
    assert isinstance(raised.value, TimeoutError) and not isinstance(raised.value, ValueError)


@pytest.mark.usefixtures("quick_retries")
def test_an_html_502_is_a_typed_error_after_retries(client: Any) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    with respx.mock(base_url=BASE) as mock:
        route = mock.get(f"{PREFIX}/realtime").respond(
            502, text=page, headers={"content-type": "text/html", "x-request-id": "req-7"}
        )
        with pytest.raises(InternalServerError) as raised:
            client.get_realtime_metrics()
    error = raised.value
    assert route.call_count == 3
    assert error.status_code == 502 and error.request_id == "req-7"
    assert "502 Bad Gateway" in str(error) and "req-7" in str(error)
    assert error.response is not None and error.response.text == page


@pytest.mark.parametrize(
    ("status", "content", "content_type"),
    [
        (200, b'{"success": true, "latency": {', "application/json"),
        (200, b"<html>maintenance</html>", "text/html"),
        (200, b'{"operation": "get_realtime_telemetry"}', "application/json"),
        (200, b"[1, 2, 3]", "application/json"),
        (299, b'{"success": true}', "application/json"),
    ],
    ids=["truncated", "html", "missing-field", "not-an-object", "odd-status"],
)
def test_broken_success_bodies_are_validation_errors(
    client: Any, status: int, content: bytes, content_type: str
) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.get(f"{PREFIX}/realtime").respond(
            status, content=content, headers={"content-type": content_type}
        )
        with pytest.raises(APIResponseValidationError) as raised:
            client.get_realtime_metrics()
    assert raised.value.status_code == status
    assert raised.value.response is not None and raised.value.response.content == content


def test_error_statuses_outside_the_standard_list_still_map(client: Any) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.get(f"{PREFIX}/config").respond(400, text="bad")
        mock.get(f"{PREFIX}/realtime").respond(520, text="origin error")
        with pytest.raises(BadRequestError, match="bad"):
            client.get_config()
        with client.with_options(max_retries=0) as once, pytest.raises(InternalServerError):
            once.get_realtime_metrics()


def test_report_generation_is_not_retried_after_a_server_error(client: Any) -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.post(f"{PREFIX}/report").respond(500, json={"detail": "boom"})
        with pytest.raises(InternalServerError):
            client.generate_report()
    assert route.call_count == 1


def test_report_generation_is_not_retried_after_a_read_timeout(client: Any) -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.post(f"{PREFIX}/report").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(APITimeoutError):
            client.generate_report()
    assert route.call_count == 1


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    "first",
    [
        httpx.ConnectError("refused"),
        httpx.Response(429, headers={"retry-after": "0"}),
        httpx.Response(408),
    ],
    ids=["connect-error", "429", "408"],
)
def test_report_generation_is_retried_when_nothing_was_created(client: Any, first: Any) -> None:
    created = {"report_id": "report_1", "report_url": f"{PREFIX}/reports/report_1/report.html"}
    with respx.mock(base_url=BASE) as mock:
        route = mock.post(f"{PREFIX}/report").mock(
            side_effect=[first, httpx.Response(200, json={"success": True, **created})]
        )
        report = client.generate_report()
    assert route.call_count == 2 and report.report_id == "report_1"


def test_retry_after_is_honoured_and_bounded(client: Any) -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.get(f"{PREFIX}/realtime").mock(
            side_effect=[httpx.Response(429, headers={"retry-after": "0.2"}), ok]
        )
        started = time.monotonic()
        client.get_realtime_metrics()
        assert 0.2 <= time.monotonic() - started < 2.0 and route.call_count == 2
        route.mock(side_effect=None).respond(429, headers={"retry-after": "3600"})
        started = time.monotonic()
        with pytest.raises(RateLimitError):
            client.get_realtime_metrics()
        assert time.monotonic() - started < 2.0  # not the hour it asked for


@pytest.mark.usefixtures("quick_retries")
def test_connection_errors_are_retried_then_raised_as_connection_errors(
    unreachable_url: str, client_kind: Kind
) -> None:
    client = make_client(client_kind, unreachable_url, max_retries=3)
    with client, pytest.raises(APIConnectionError) as raised:
        client.get_config()
    error = raised.value
    assert isinstance(error, ConnectionError) and not isinstance(error, ValueError)


def test_client_errors_and_max_retries_zero_are_not_retried(client: Any) -> None:
    with respx.mock(base_url=BASE) as mock:
        bad = mock.get(f"{PREFIX}/metrics").respond(400, json={"detail": "Invalid metric type"})
        down = mock.get(f"{PREFIX}/config").respond(503)
        with pytest.raises(BadRequestError):
            client.get_metrics()
        with pytest.raises(InternalServerError):
            client.with_options(max_retries=0).get_config()
    assert bad.call_count == 1 and down.call_count == 1


def test_backoff_grows_exponentially_with_jitter_and_stops_at_the_budget() -> None:
    request = httpx.Request("GET", f"{BASE}{PREFIX}/realtime")
    budget = RetryBudget(max_retries=4, timeout=60)
    delays = [budget.delay_after_response(request, httpx.Response(500)) for _ in range(5)]
    assert delays[4] is None
    for retry, delay in enumerate(delays[:4]):
        assert delay is not None and 0.75 * 0.5 * 2**retry <= delay <= 0.5 * 2**retry


def test_no_retry_would_outlast_the_deadline() -> None:
    request = httpx.Request("GET", f"{BASE}{PREFIX}/realtime")
    budget = RetryBudget(max_retries=5, timeout=0.1)
    assert budget.delay_after_response(request, httpx.Response(503)) is None


def test_retry_after_formats() -> None:
    assert retry_after_seconds(httpx.Headers({"retry-after": "7"})) == 7
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    date = retry_after_seconds(httpx.Headers({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert date is not None and date < 0
    assert retry_after_seconds(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_seconds(httpx.Headers()) is None


def test_the_api_key_never_reaches_logs_or_exception_text(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=BASE) as mock:
        route = mock.get(f"{PREFIX}/realtime").mock(side_effect=[ok, httpx.Response(401)])
        client.get_realtime_metrics()
        with pytest.raises(WALTelemetryError) as raised:
            client.get_realtime_metrics()
    assert route.calls[0].request.headers["authorization"] == f"Bearer {API_KEY}"
    assert "<redacted>" in caplog.text  # the debug lines with headers were written
    texts = [caplog.text, str(raised.value), repr(raised.value), repr(client)]
    assert all(API_KEY not in text for text in texts)


def test_a_callers_http_client_is_used_and_left_open(client_kind: Kind) -> None:
    seen: list[httpx.Request] = []

    def remember(request: httpx.Request) -> None:
        seen.append(request)

    async def remember_async(request: httpx.Request) -> None:
        seen.append(request)

    own: httpx.Client | httpx.AsyncClient
    if client_kind == "sync":
        own = httpx.Client(transport=httpx.MockTransport(ok), event_hooks={"request": [remember]})
    else:
        hooks = {"request": [remember_async]}
        own = httpx.AsyncClient(transport=httpx.MockTransport(ok), event_hooks=hooks)
    with make_client(client_kind, BASE, api_key=API_KEY, http_client=own) as client:
        assert client.get_realtime_metrics().success
    assert seen and seen[0].headers["user-agent"].startswith("wal-telemetry-sdk/")
    assert not own.is_closed
    close_http(own)


def test_a_request_that_fails_to_build_is_not_blamed_on_the_last_response(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a body that arrived and failed to parse is a response validation error."""
    from wal_telemetry_api_client.api.config import get_config

    def broken_builder(**kwargs: Any) -> Any:
        raise TypeError("the request could not be built")

    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.get(f"{PREFIX}/realtime").respond(200, json=REALTIME)
        config = mock.get(f"{PREFIX}/config").respond(200, json={"success": True})
        client.get_realtime_metrics()
        monkeypatch.setattr(get_config, "_get_kwargs", broken_builder)
        with pytest.raises(TypeError, match="could not be built"):
            client.get_config()
    assert config.call_count == 0


CREATED = {"success": True, "report_id": "report_1", "report_url": f"{PREFIX}/reports/report_1/x"}


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize("honoured", [True, False], ids=["key-honoured", "key-ignored"])
def test_a_report_request_survives_a_closing_connection_where_keys_are_honoured(
    client_kind: Kind, honoured: bool
) -> None:
    """429 with Retry-After, then the retry meets a connection the server is closing."""
    keys: list[str] = []

    def answers() -> Iterator[Any]:
        echo = {"idempotency-key": keys[0]} if honoured else {}
        yield httpx.Response(429, headers={"retry-after": "0", **echo})
        yield httpx.RemoteProtocolError("Server disconnected without sending a response.")
        yield httpx.Response(200, json=CREATED, headers=echo)

    script = answers()

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["idempotency-key"])
        step = next(script)
        if isinstance(step, Exception):
            raise step
        return step

    http = mock_http(client_kind, handler)
    with make_client(client_kind, BASE, http_client=http) as client:
        if honoured:
            assert client.generate_report().report_id == "report_1"
        else:
            with pytest.raises(APIConnectionError):
                client.generate_report()
    close_http(http)
    assert len(keys) == (3 if honoured else 2) and len(set(keys)) == 1 and len(keys[0]) == 32


def test_each_report_request_has_a_key_of_its_own(client_kind: Kind) -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["idempotency-key"])
        return httpx.Response(200, json=CREATED)

    http = mock_http(client_kind, handler)
    with make_client(client_kind, BASE, http_client=http) as client:
        client.generate_report()
        client.generate_report()
    close_http(http)
    assert len(set(keys)) == 2


def test_pooled_connections_are_dropped_before_common_servers_close_them(
    client_kind: Kind,
) -> None:
    """uvicorn and Apache close idle connections after 5 s; the SDK lets go after 4 s."""
    with make_client(client_kind, BASE) as client:
        pool = client._transport.inner
        expiry = getattr(pool, "_keepalive_expiry", None)
        if expiry is None:  # httpx's transport: its httpcore pool
            expiry = pool._pool._keepalive_expiry
    assert expiry is not None and expiry < 5
