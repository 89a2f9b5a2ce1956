"""The shared conformance cases (`tests/conformance/`), run against both Python clients.

The TypeScript client runs the same files under `node --test`. Every case goes through the real
client methods, sync and async: requests are captured with `httpx.MockTransport` before they
would leave the process, and each response case is the answer the client gets back, mapped by
the client's own transport, generated parser and conversion.

Retry cases inject faults through `httpx.MockTransport`: statuses and connection errors in
order, counting attempts. The backoff's first delay is shortened through the private
`_request_policy.INITIAL_RETRY_DELAY`.
"""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.clients import Kind, close_http, make_client, mock_http
from wal_telemetry_sdk import _request_policy

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
SPEC_OPERATIONS = {
    "getMetrics",
    "getRealtimeMetrics",
    "generateReport",
    "getReportStatus",
    "getReportFile",
    "getVisualization",
    "getConfig",
    "updateConfig",
    "getTimeSeries",
}
# A response case checks how the server's answer is mapped, so charts come from the server only.
RESPONSE_ARGS = {"getVisualization": {"source": "server"}}
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
    assert set(OPERATIONS) == SPEC_OPERATIONS
    for name, operation in OPERATIONS.items():
        assert operation["requests"], name
        assert any("result" in case["expect"] for case in operation["responses"]), name
        assert any("error" in case["expect"] for case in operation["responses"]), name


def _method(client: Any, operation: str) -> Callable[..., Any]:
    method = getattr(client, snake_case(operation), None)
    if method is None:
        pytest.skip(f"the Python SDK has no {snake_case(operation)}() (see the coverage table)")
    return method  # type: ignore[no-any-return]


def _reply(case: dict[str, Any]) -> httpx.Response:
    headers, content = response_content(case)
    return httpx.Response(case.get("status", 200), headers=headers, content=content)


@pytest.fixture
def capture(client_kind: Kind) -> Iterator[tuple[list[httpx.Request], Callable[..., Any]]]:
    """Clients of one kind whose requests are recorded and answered with a given response case."""
    captured: list[httpx.Request] = []
    opened: list[Any] = []

    def make(answer: dict[str, Any], api_key: str | None = None, max_retries: int = 0) -> Any:
        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            captured.append(request)
            return _reply(answer)

        http = mock_http(client_kind, handler)
        opened.append(http)
        return make_client(
            client_kind, BASE_URL, api_key=api_key, max_retries=max_retries, http_client=http
        )

    yield captured, make
    for http in opened:
        close_http(http)


@pytest.mark.parametrize(("operation", "case"), _cases("requests"))
def test_request(
    operation: str,
    case: dict[str, Any],
    capture: tuple[list[httpx.Request], Callable[..., Any]],
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


def call_with_answer(operation: str, case: dict[str, Any], make: Callable[..., Any]) -> Any:
    """The operation's method, called with its first valid arguments, answered with `case`."""
    arguments = next(
        request["args"]
        for request in OPERATIONS[operation]["requests"]
        if not request["expect"].get("rejected")
    )
    method = _method(make(case), operation)
    return method(**arguments, **RESPONSE_ARGS.get(operation, {}))


@pytest.mark.parametrize(("operation", "case"), _cases("responses"))
def test_response(
    operation: str,
    case: dict[str, Any],
    capture: tuple[list[httpx.Request], Callable[..., Any]],
) -> None:
    _, make = capture
    expect = case["expect"]
    if "result" in expect:
        assert mismatches(plain(call_with_answer(operation, case, make)), expect["result"]) == []
        return
    with pytest.raises(Exception) as raised:
        call_with_answer(operation, case, make)
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
def test_retry_policy(
    case: dict[str, Any], client_kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_request_policy, "INITIAL_RETRY_DELAY", 0.001)
    steps = iter(case["attempts"])
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return _attempt(next(steps), case["operation"], request)

    retries = case.get("client", {}).get("max_retries", 2)
    http = mock_http(client_kind, handler)
    with make_client(client_kind, BASE_URL, max_retries=retries, http_client=http) as client:
        method = _method(client, case["operation"])
        try:
            method(**case["args"])
            outcome = "result"
        except Exception as error:
            outcome = type(error).__name__
    close_http(http)
    assert (attempts, outcome) == (case["expect"]["attempts"], case["expect"]["outcome"])
