"""The shared conformance cases (`tests/conformance/`), run against the Python SDK.

The TypeScript client runs the same files under `node --test`. Requests are built by the real
`WALTelemetryClient` and captured with `httpx.MockTransport` before they would leave the
process. Responses go through the SDK's own mapping: the generated `_build_response` of each
operation, then `_dialects.unwrap` with the operation's converter, and `_responses.
error_from_response` for error statuses, the steps `WALTelemetryClient._send` and the retry
transport take. Those helpers are private to the SDK; the tests use them on purpose, so that
body mapping is tested without any server, real or fake.

Retry cases inject faults through `httpx.MockTransport`: statuses and connection errors in
order, counting attempts. The backoff's first delay is shortened through the private
`_transport.INITIAL_RETRY_DELAY`.
"""

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from wal_telemetry_api_client import Client
from wal_telemetry_api_client.api.config import get_config, update_config
from wal_telemetry_api_client.api.metrics import get_metrics
from wal_telemetry_api_client.api.realtime import get_realtime_metrics
from wal_telemetry_api_client.api.report_status import get_report_status
from wal_telemetry_api_client.api.reports import generate_report, get_report_file
from wal_telemetry_api_client.api.timeseries import get_time_series
from wal_telemetry_api_client.api.visualization import get_visualization

from wal_telemetry_sdk import _dialects, _transport
from wal_telemetry_sdk._files import file_result
from wal_telemetry_sdk._responses import error_from_response, last_response
from wal_telemetry_sdk.client import WALTelemetryClient

from .shared import (
    BASE_URL,
    first_result_case,
    load_operations,
    load_retry_cases,
    mismatches,
    parameter_mismatches,
    plain,
    response_content,
    snake_case,
)

OPERATIONS = load_operations()
GENERATED: dict[str, ModuleType] = {
    "getMetrics": get_metrics,
    "getRealtimeMetrics": get_realtime_metrics,
    "generateReport": generate_report,
    "getReportStatus": get_report_status,
    "getReportFile": get_report_file,
    "getVisualization": get_visualization,
    "getConfig": get_config,
    "updateConfig": update_config,
    "getTimeSeries": get_time_series,
}
FILE_OPERATIONS = {"getReportFile", "getVisualization"}
# The converter of each JSON operation, by its name in `_dialects`; a missing one is reported.
CONVERTERS = {
    "getMetrics": "metrics_from_api",
    "getRealtimeMetrics": "realtime_from_api",
    "generateReport": "report_from_api",
    "getReportStatus": "report_status_from_api",
    "getConfig": "config_from_api",
    "updateConfig": "config_from_api",
    "getTimeSeries": "time_series_from_api",
}
ENVIRONMENT = ("WAL_TELEMETRY_API_URL", "WAL_TELEMETRY_API_KEY", "WAL_TELEMETRY_TIMEOUT")


def _cases(kind: str) -> list[Any]:
    """Cases as test parameters; a known deviation of the Python SDK is a strict xfail."""
    params = []
    for name, operation in OPERATIONS.items():
        for case in operation[kind]:
            deviation = case.get("known_deviation", {}).get("python")
            marks = [pytest.mark.xfail(reason=deviation, strict=True)] if deviation else []
            params.append(pytest.param(name, case, id=f"{name}: {case['name']}", marks=marks))
    return params


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def test_every_spec_operation_has_request_and_response_cases() -> None:
    assert set(OPERATIONS) == set(GENERATED)
    for name, operation in OPERATIONS.items():
        assert operation["requests"], name
        assert any("result" in case["expect"] for case in operation["responses"]), name
        assert any("error" in case["expect"] for case in operation["responses"]), name


def _method(client: WALTelemetryClient, operation: str) -> Callable[..., Any]:
    method = getattr(client, snake_case(operation), None)
    if method is None:
        pytest.skip(f"the Python SDK has no {snake_case(operation)}() (see the coverage table)")
    return method  # type: ignore[no-any-return]


def _reply(case: dict[str, Any]) -> httpx.Response:
    headers, content = response_content(case)
    return httpx.Response(case.get("status", 200), headers=headers, content=content)


@pytest.fixture
def capture() -> Iterator[tuple[list[httpx.Request], Callable[..., WALTelemetryClient]]]:
    """Clients whose requests are recorded and answered with a given case's response."""
    captured: list[httpx.Request] = []
    opened: list[httpx.Client] = []

    def make(answer: dict[str, Any], api_key: str | None = None) -> WALTelemetryClient:
        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            captured.append(request)
            return _reply(answer)

        http = httpx.Client(transport=httpx.MockTransport(handler))
        opened.append(http)
        return WALTelemetryClient(BASE_URL, api_key=api_key, max_retries=0, http_client=http)

    yield captured, make
    for http in opened:
        http.close()


@pytest.mark.parametrize(("operation", "case"), _cases("requests"))
def test_request(
    operation: str,
    case: dict[str, Any],
    capture: tuple[list[httpx.Request], Callable[..., WALTelemetryClient]],
) -> None:
    captured, make = capture
    api_key = case.get("client", {}).get("api_key")
    client = make(first_result_case(OPERATIONS[operation]), api_key)
    method = _method(client, operation)
    expect = case["expect"]
    if expect.get("rejected"):
        with pytest.raises(ValueError):
            method(**case["args"])
        assert captured == []
        return
    method(**case["args"])
    assert len(captured) == 1
    request = captured[0]
    path, _, query = request.url.raw_path.decode().partition("?")
    problems = [] if request.method == expect["method"] else [f"method {request.method}"]
    if path != expect["path"]:
        problems.append(f"path {path!r} != {expect['path']!r}")
    problems += parameter_mismatches(dict(httpx.QueryParams(query)), expect["query"], "query")
    problems += _body_mismatches(request, expect)
    for name, value in expect.get("headers", {}).items():
        if request.headers.get(name) != value:
            problems.append(f"header {name}: {request.headers.get(name)!r} != {value!r}")
    assert problems == []


def _body_mismatches(request: httpx.Request, expect: dict[str, Any]) -> list[str]:
    if "body" not in expect:
        return [] if not request.content else [f"unexpected body {request.content!r}"]
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(expect["content_type"]):
        return [f"content-type {content_type!r} != {expect['content_type']!r}"]
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = dict(httpx.QueryParams(request.content.decode()))
        return parameter_mismatches(form, expect["body"], "body")
    return mismatches(httpx.Response(200, content=request.content).json(), expect["body"], "body")


def parse_response(operation: str, case: dict[str, Any]) -> Any:
    """A response case through the SDK's mapping, as `WALTelemetryClient` would map it."""
    response = _reply(case)
    response.request = httpx.Request("GET", BASE_URL)
    if not response.is_success:
        raise error_from_response(response)
    module = GENERATED[operation]
    token = last_response.set(response)
    try:
        try:
            detailed = module._build_response(client=Client(base_url=BASE_URL), response=response)
        except _dialects.PARSE_ERRORS as error:
            raise _dialects.invalid_body(error) from error
        if operation in FILE_OPERATIONS:
            return file_result(detailed, BASE_URL, None)
        converter = getattr(_dialects, CONVERTERS[operation], None)
        if converter is None:
            pytest.skip(f"the Python SDK has no _dialects.{CONVERTERS[operation]} yet")
        return _dialects.unwrap(detailed, converter)
    finally:
        last_response.reset(token)


@pytest.mark.parametrize(("operation", "case"), _cases("responses"))
def test_response(operation: str, case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "result" in expect:
        assert mismatches(plain(parse_response(operation, case)), expect["result"]) == []
        return
    with pytest.raises(Exception) as raised:
        parse_response(operation, case)
    error = raised.value
    want = expect["error"]
    got = {"class": type(error).__name__, "status_code": getattr(error, "status_code", None)}
    if "detail" in want:
        got["detail"] = getattr(error, "detail", None)
    assert mismatches(got, want) == []


def _attempt(step: dict[str, Any], operation: str, request: httpx.Request) -> httpx.Response:
    if step.get("network") == "connect":
        raise httpx.ConnectError("connection refused", request=request)
    if step.get("network") == "read":
        raise httpx.ReadError("connection reset by peer", request=request)
    if step.get("body_from") == "first_result":
        return _reply(first_result_case(OPERATIONS[operation]))
    return _reply(step)


@pytest.mark.parametrize("case", load_retry_cases(), ids=lambda case: case["name"])
def test_retry_policy(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "INITIAL_RETRY_DELAY", 0.001)
    steps = iter(case["attempts"])
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return _attempt(next(steps), case["operation"], request)

    retries = case.get("client", {}).get("max_retries", 2)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        WALTelemetryClient(BASE_URL, max_retries=retries, http_client=http) as client,
    ):
        method = _method(client, case["operation"])
        try:
            method(**case["args"])
            outcome = "result"
        except Exception as error:
            outcome = type(error).__name__
    assert (attempts, outcome) == (case["expect"]["attempts"], case["expect"]["outcome"])
