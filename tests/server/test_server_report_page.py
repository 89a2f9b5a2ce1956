"""The report page a person reads: latency in ms, rates in percent, whole counts, named units;
`index.html` is the same page."""

from __future__ import annotations

import re
import statistics
from typing import Any

import httpx
import pytest

from wal_telemetry_server.model import METRIC_TYPES

from . import known
from .test_server_reports import wait_for


@pytest.fixture(scope="module")
def pages(known_client: httpx.Client) -> dict[str, Any]:
    started = known_client.post(
        "/report", data={"start_time": known.T0, "end_time": known.T0 + 600}
    ).json()
    status = wait_for(known_client, started["report_id"])
    assert status["status"] == "complete", status
    base = f"/reports/{started['report_id']}"
    return {
        name: known_client.get(f"{base}/{name}")
        for name in ("report.html", "index.html", "report.json")
    }


def section(page: str, metric_type: str) -> str:
    return page.split(f'<h2 id="{metric_type}"', 1)[1].split("<h2", 1)[0]


def cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def table(page: str, metric_type: str) -> tuple[list[str], dict[str, list[str]]]:
    part = section(page, metric_type)
    header = re.findall(r"<th>(.*?)</th>", part)
    rows = {found[0]: found[1:] for found in map(cells, re.findall(r"<tr><td.*?</tr>", part))}
    return header, rows


def test_index_html_is_the_report_itself(pages: dict[str, Any]) -> None:
    assert pages["index.html"].status_code == 200
    assert pages["index.html"].content == pages["report.html"].content
    assert "<h1>WAL telemetry report</h1>" in pages["index.html"].text


def test_latency_is_in_milliseconds_and_counts_are_operations(pages: dict[str, Any]) -> None:
    header, rows = table(pages["report.html"].text, "operation_latency")
    assert header == [
        "Operation / backend",
        "Average (ms)",
        "Minimum (ms)",
        "Maximum (ms)",
        "p95 (ms)",
        "Operations",
    ]
    append = [s.latency for s in known.operations() if s.operation_type == "append"]
    average, minimum, maximum, _, count = rows["append / json"]
    assert average == f"{statistics.fmean(append) * 1000:,.2f}"
    assert (minimum, maximum) == (f"{min(append) * 1000:,.2f}", f"{max(append) * 1000:,.2f}")
    assert count == str(len(append))


def test_rates_are_percentages_and_count_names_the_intervals(pages: dict[str, Any]) -> None:
    header, rows = table(pages["report.html"].text, "success_rate")
    assert header[1] == "Average (%)" and header[-1] == "Intervals with operations"
    average = float(rows["append / json"][0])
    assert 50 < average <= 100  # a share of 1 would read 0.86
    assert re.fullmatch(r"\d+", rows["append / json"][-1])


def test_report_json_names_the_units_of_its_summary(pages: dict[str, Any]) -> None:
    data = pages["report.json"].json()
    assert data["units"]["operation_latency"] == "s"
    assert data["units"]["success_rate"] == "ratio"
    latency = data["summary"]["operation_latency"]["average"]["append"]["json"]
    append = [s.latency for s in known.operations() if s.operation_type == "append"]
    assert latency == pytest.approx(statistics.fmean(append))


def test_the_page_links_every_other_file_of_the_report(pages: dict[str, Any]) -> None:
    links = set(re.findall(r'href="([^"#][^"]*)"', pages["report.html"].text))
    files = set(pages["report.json"].json()["files"])
    assert links == files - {"report.html", "index.html"}


def test_every_section_has_its_inline_chart_and_nothing_is_loaded(pages: dict[str, Any]) -> None:
    page = pages["report.html"].text
    for metric_type in METRIC_TYPES:
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in section(page, metric_type)
    assert "default-src 'none'" in page
    assert not re.search(r"<(img|script|link)[^>]+(src|href)=", page)
