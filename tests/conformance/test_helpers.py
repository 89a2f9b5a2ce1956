"""The shared helper cases (`tests/conformance/helpers/*.json`), run against the Python SDK.

The TypeScript SDK runs the same files under `node --test` (`sdks/typescript/test/helpers.test.ts`):
alert rules (parsing, field checks, evaluation over scripted ticks, message formatting), the
bucket planning and fetching of `get_metrics_over_time`, report pollers over scripted status
sequences, and `TimeSeries` analyses. HTTP goes through the real client into
`httpx.MockTransport`, which answers each path from the case's script. A known deviation of the
Python SDK from a case is a strict, named xfail, so it is listed until it is fixed.
"""

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk import ReportProgress, WALTelemetryClient, _over_time
from wal_telemetry_sdk.alerts import REALTIME_FIELDS, AlertEvaluator, AlertRule, format_number
from wal_telemetry_sdk.timeseries import TimeSeries

from .shared import mismatches

HELPERS = Path(__file__).parent / "helpers"
API_PREFIX = "/api/v0/wal/telemetry"
RESULT_TIMEOUT = 10.0


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HELPERS / f"{name}.json").read_text())
    return data


ALERTS = _load("alerts")
OVER_TIME = _load("over_time")
POLLER = _load("report_poller")
TIMESERIES = _load("timeseries")


def _params(cases: list[dict[str, Any]]) -> list[Any]:
    """Cases as test parameters, each named; a Python deviation is a strict xfail."""
    params = []
    for case in cases:
        deviation = case.get("known_deviation", {}).get("python")
        marks = [pytest.mark.xfail(reason=deviation, strict=True)] if deviation else []
        params.append(pytest.param(case, id=case["name"], marks=marks))
    return params


# Alerts


def test_the_valid_alert_fields_are_the_shared_list() -> None:
    assert list(REALTIME_FIELDS) == ALERTS["valid_fields"]


def _rule(spec: dict[str, Any]) -> AlertRule:
    options = {key: value for key, value in spec.items() if key != "rule"}
    return AlertRule.parse(spec["rule"], **options)


@pytest.mark.parametrize("case", _params(ALERTS["parse"]))
def test_alert_rule_parsing(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(ValueError) as caught:
            AlertRule.parse(case["rule"])
        assert expect["error"] in str(caught.value)
        return
    rule = AlertRule.parse(case["rule"])
    actual = {name: getattr(rule, name) for name in expect}
    assert mismatches(actual, expect) == []


@pytest.mark.parametrize("case", _params(ALERTS["fields"]))
def test_alert_rule_fields_are_checked_before_any_tick(case: dict[str, Any]) -> None:
    if case["expect"].get("accepted"):
        assert AlertEvaluator([case["rule"]]).rules[0].field == case["rule"].split()[0]
        return
    with pytest.raises(ValueError) as caught:
        AlertEvaluator([case["rule"]])
    message = str(caught.value)
    assert message == case["expect"]["error"] + ", ".join(ALERTS["valid_fields"])


@pytest.mark.parametrize("case", _params(ALERTS["evaluate"]))
def test_alert_evaluation_over_scripted_ticks(case: dict[str, Any]) -> None:
    rules = [_rule(spec) for spec in case["rules"]]
    delivered: list[Any] = []
    evaluator = AlertEvaluator(rules, on_event=delivered.append)
    events = [
        [event.iteration, rules.index(event.rule), event.state, event.value]
        for iteration, tick in enumerate(case["ticks"])
        for event in evaluator.evaluate(tick, iteration)
    ]
    assert mismatches(events, case["expect"]["events"]) == []
    assert [event.iteration for event in delivered] == [event[0] for event in events]
    assert [rule.name for rule in evaluator.firing] == case["expect"]["firing"]


@pytest.mark.parametrize(("value", "text"), ALERTS["format"])
def test_numbers_in_alert_messages(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("case", _params(ALERTS["messages"]))
def test_alert_messages(case: dict[str, Any]) -> None:
    (event,) = AlertEvaluator([case["rule"]]).evaluate(case["tick"], 0)
    assert event.message == case["expect"]


# Metrics over time


@pytest.mark.parametrize("case", _params(OVER_TIME["plan"]))
def test_over_time_bucket_planning(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    if "now" in case:
        monkeypatch.setattr(time, "time", lambda: float(case["now"]))
    args = case["args"]
    expect = case["expect"]

    def plan() -> list[tuple[float, float]]:
        over_time = _over_time.plan(
            args["metric_type"], args.get("start_time"), args.get("end_time"),
            args.get("interval", "hour"),
        )  # fmt: skip
        assert mismatches(over_time.start_time, expect["start_time"]) == []
        assert mismatches(over_time.end_time, expect["end_time"]) == []
        return _over_time.bounds(over_time)

    if "error" in expect:
        with pytest.raises(ValueError) as caught:
            plan()
        assert expect["error"] in str(caught.value)
        return
    buckets = [list(edges) for edges in plan()]
    if "buckets" in expect:
        assert mismatches(buckets, expect["buckets"]) == []
    else:
        assert len(buckets) == expect["bucket_count"]
        assert mismatches([buckets[0], buckets[-1]], [expect["first"], expect["last"]]) == []


class ScriptedServer:
    """Answers each API path with its scripted responses in turn, the last one repeated."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = {path: list(answers) for path, answers in script.items()}
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path.removeprefix(API_PREFIX)
        answers = self.script.get(path)
        if answers is None:
            return httpx.Response(404, json={"detail": "Not Found"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, dict) and "status" not in answer:
            answer = {"status": 200, "body": answer}
        if "body_text" in answer:
            return httpx.Response(
                answer["status"], headers=answer.get("headers"), text=answer["body_text"]
            )
        return httpx.Response(answer["status"], json=answer["body"], headers=answer.get("headers"))

    def count(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for request in self.requests:
            path = request.url.path.removeprefix(API_PREFIX)
            counts[path] = counts.get(path, 0) + 1
        return counts


@pytest.fixture
def scripted() -> Iterator[Callable[[dict[str, Any]], tuple[ScriptedServer, WALTelemetryClient]]]:
    """Clients talking to a scripted server through `httpx.MockTransport`."""
    opened: list[WALTelemetryClient] = []

    def make(script: dict[str, Any]) -> tuple[ScriptedServer, WALTelemetryClient]:
        server = ScriptedServer(script)
        http = httpx.Client(transport=httpx.MockTransport(server.handle))
        client = WALTelemetryClient(POLLER["base_url"], max_retries=0, http_client=http)
        opened.append(client)
        return server, client

    yield make
    for client in opened:
        client.close()


@pytest.mark.parametrize("case", _params(OVER_TIME["fetch"]))
def test_over_time_fetching_and_its_fallback(
    case: dict[str, Any],
    scripted: Callable[[dict[str, Any]], tuple[ScriptedServer, WALTelemetryClient]],
) -> None:
    script = {path: [answer] for path, answer in case["server"].items()}
    server, client = scripted(script)
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(Exception) as caught:
            client.get_metrics_over_time(**case["args"])
        assert type(caught.value).__name__ == expect["error"]
    else:
        result = client.get_metrics_over_time(**case["args"])
        buckets = [[b.start_time, b.end_time, b.timestamp] for b in result.time_series]
        assert mismatches(buckets, expect["buckets"]) == []
        assert result.source == expect["source"]
    requests = [
        {"path": request.url.path.removeprefix(API_PREFIX), "query": dict(request.url.params)}
        for request in server.requests
    ]
    # Requests go out concurrently: compare them in a canonical order, numbers as numbers.
    assert _canonical(requests) == _canonical(expect["requests"])


def _canonical(requests: list[dict[str, Any]]) -> list[str]:
    return sorted(
        json.dumps([r["path"], {k: _number(v) for k, v in r["query"].items()}], sort_keys=True)
        for r in requests
    )


def _number(value: Any) -> Any:
    try:
        return float(value)
    except ValueError:
        return value


# Report pollers


def _plain_result(result: Any, expect: dict[str, Any]) -> dict[str, Any]:
    """The fields of the poller's result that the case names (missing ones left out)."""
    return {name: getattr(result, name) for name in expect if hasattr(result, name)}


@pytest.mark.parametrize("case", _params(POLLER["cases"]))
def test_report_poller_state_sequences(
    case: dict[str, Any],
    scripted: Callable[[dict[str, Any]], tuple[ScriptedServer, WALTelemetryClient]],
) -> None:
    server, client = scripted(case["server"])
    seen: list[ReportProgress] = []
    poller = client.begin_generate_report(
        1800000000, 1800086400, on_progress=seen.append, poll_interval=0.001
    )
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(Exception) as caught:
            poller.result(RESULT_TIMEOUT)
        assert type(caught.value).__name__ == expect["error"]["type"]
        assert expect["error"]["message"] in str(caught.value)
    else:
        result = poller.result(RESULT_TIMEOUT)
        assert mismatches(_plain_result(result, expect["result"]), expect["result"]) == []
    assert poller.status() == expect["status"]
    assert [[p.state, p.files] for p in seen] == expect["progress"]
    assert server.count() == expect["requests"]


# Time series


def _points(series: TimeSeries) -> dict[str, list[list[float]]]:
    return {s.name: [[t, v] for t, v in s] for s in series.values()}


def _analysis(series: TimeSeries, step: dict[str, Any]) -> Any:
    args = step.get("args", {})
    if step["call"] == "trend":
        return {
            ":".join(labels): {
                "slope_per_hour": trend.slope_per_hour,
                "percent_change": trend.percent_change,
                "first": trend.first,
                "last": trend.last,
                "n": trend.n,
            }
            for labels, trend in series.trend().items()
        }
    if step["call"] == "rate_of_change":
        return _points(series.rate_of_change())
    if step["call"] == "resample":
        return _points(series.resample(**args))
    if step["call"] == "anomalies":
        return {":".join(labels): flags for labels, flags in series.anomalies(**args).items()}
    raise AssertionError(f"unknown analysis {step['call']!r}")


@pytest.mark.parametrize("case", _params(TIMESERIES["cases"]))
def test_time_series_analyses(case: dict[str, Any]) -> None:
    series = TimeSeries.from_metrics_tree(case["tree"], timestamp=case.get("timestamp"))
    for step in case["steps"]:
        if "series" in step:
            assert mismatches(_points(series), step["series"]) == []
            continue
        if "error" in step["expect"]:
            with pytest.raises(ValueError) as caught:
                _analysis(series, step)
            assert step["expect"]["error"] in str(caught.value)
            continue
        assert mismatches(_analysis(series, step), step["expect"]) == [], step["call"]
