"""The report's first screen: KPIs against the previous window, a verdict per backend, the worst
operation/backend pairs, all judged by thresholds that `POST /report` can set."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from . import known
from .test_server_reports import wait_for

END = known.T0 + 600
HALF = known.T0 + 300


def report(client: httpx.Client, **form: float) -> dict[str, Any]:
    started = client.post("/report", data=form)
    assert started.status_code == 200, started.text
    report_id = started.json()["report_id"]
    assert wait_for(client, report_id)["status"] == "complete"
    base = f"/reports/{report_id}"
    return {
        "page": client.get(f"{base}/report.html").text,
        "headline": client.get(f"{base}/report.json").json()["headline"],
    }


@pytest.fixture(scope="module")
def strict(known_client: httpx.Client) -> dict[str, Any]:
    """The whole known window, with thresholds that its figures break in known ways."""
    return report(
        known_client,
        start_time=known.T0,
        end_time=END,
        min_success_rate=0.5,
        max_latency_p95_ms=300,
        max_queue_size=10,
    )


def test_the_headline_counts_every_operation_and_failure(strict: dict[str, Any]) -> None:
    current = strict["headline"]["current"]
    ops = known.operations()
    failed = [s for s in ops if s.status != "success"]
    assert (current["operations"], current["failures"]) == (len(ops), len(failed))
    assert current["success_rate"] == pytest.approx(1 - len(failed) / len(ops))
    latencies = [[s.timestamp, s.latency] for s in ops]
    assert current["latency_p95"] == pytest.approx(
        known.reduce(latencies, "percentile_95"), rel=0.01
    )
    assert current["queue_peak"] == 3 * (known.MINUTES - 1) + 3  # pending + processing, 3 backends
    assert strict["headline"]["previous"]["operations"] == 0


def test_thresholds_from_the_request_decide_the_verdicts(strict: dict[str, Any]) -> None:
    verdicts = {v["backend"]: v for v in strict["headline"]["verdicts"]}
    assert strict["headline"]["thresholds"] == {
        "max_latency_p95_ms": 300,
        "min_success_rate": 0.5,
        "max_queue_size": 10,
    }
    assert verdicts["ipfs"]["verdict"] == "degraded"  # add: 50..500 ms
    assert any("over 300 ms" in reason for reason in verdicts["ipfs"]["reasons"])
    assert "offline for 10.0% of the window" in verdicts["ipfs"]["reasons"]
    assert verdicts["json"]["verdict"] == verdicts["s3"]["verdict"] == "healthy"
    page = strict["page"]
    assert re.search(r'data-verdict="degraded"><b>ipfs</b>', page)
    assert page.count('class="card kpi breached"') == 2  # p95 latency and the queue
    assert "over 10 operations" in page and "over 300 ms" in page


def test_default_thresholds_call_a_backend_failing_below_99_percent(
    known_client: httpx.Client,
) -> None:
    loose = report(known_client, start_time=known.T0, end_time=END)
    verdicts = {v["backend"]: v["verdict"] for v in loose["headline"]["verdicts"]}
    assert verdicts == {"ipfs": "failing", "json": "failing", "s3": "failing"}  # 1 in 7 fails
    assert loose["headline"]["thresholds"]["min_success_rate"] == 0.99
    assert "WAL telemetry report" in loose["page"]


def test_worst_offenders_are_ranked(strict: dict[str, Any]) -> None:
    slowest = [(p["operation"], p["backend"]) for p in strict["headline"]["slowest"]]
    assert slowest == [("add", "ipfs"), ("get", "s3"), ("append", "json")]
    failing = strict["headline"]["failing"]
    rates = [p["failures"] / p["operations"] for p in failing]
    assert rates == sorted(rates, reverse=True) and len(failing) == 3
    page = strict["page"]
    assert '<td class="over" data-v="' in page.split("Slowest", 1)[1].split("</table>", 1)[0]


def test_the_second_half_is_compared_with_the_first(known_client: httpx.Client) -> None:
    halves = report(known_client, start_time=HALF, end_time=END)
    head = halves["headline"]
    first = known.select(end=HALF)
    second = known.select(start=HALF)
    assert head["previous"]["operations"] == len(first)
    assert head["current"]["operations"] == len(second)
    assert head["previous"]["failures"] == sum(s.status != "success" for s in first)
    assert "vs previous 5 min" in halves["page"]
    rates = [1 - sum(s.status != "success" for s in h) / len(h) for h in (first, second)]
    points = (rates[1] - rates[0]) * 100  # one failure fewer: up, which is good
    assert f'<span class="up-good">▲ {points:.2f} pp</span>' in halves["page"]
    assert "no data in the previous" not in halves["page"].split("<nav>", 1)[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_success_rate", "2", "less than or equal to 1"),
        ("max_latency_p95_ms", "-1", "greater than or equal to 0"),
        ("max_queue_size", "many", "valid number"),
        ("max_latency_p95_ms", "inf", "finite number"),
    ],
)
def test_a_bad_threshold_is_refused_naming_it(
    known_client: httpx.Client, field: str, value: str, message: str
) -> None:
    response = known_client.post("/report", data={field: value})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field] and message in error["msg"]


def test_one_idempotency_key_with_other_thresholds_is_refused(known_client: httpx.Client) -> None:
    headers = {"Idempotency-Key": "thresholds-1"}
    form = {"start_time": known.T0, "end_time": END}
    first = known_client.post("/report", data={**form, "max_queue_size": 5}, headers=headers)
    again = known_client.post("/report", data={**form, "max_queue_size": 6}, headers=headers)
    assert first.status_code == 200 and again.status_code == 422
    wait_for(known_client, first.json()["report_id"])


def test_an_empty_window_still_makes_a_report(known_client: httpx.Client) -> None:
    empty = report(known_client, start_time=known.T0, end_time=known.T0)
    assert empty["headline"]["current"]["operations"] == 0
    assert empty["headline"]["current"]["throughput"] == 0
    assert "No operations in this window." in empty["page"]
