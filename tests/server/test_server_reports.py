"""Report lifecycle, files and content types, and report paths that must not leave the folder."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from wal_telemetry_server.model import METRIC_TYPES
from wal_telemetry_server.testing import RunningServer

from .conftest import API
from .test_server_demo import png_size

FILES = {"report.html", "index.html", "report.json", *(f"{t}.png" for t in METRIC_TYPES)}


def wait_for(client: httpx.Client, report_id: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        status = client.get(f"/reports/{report_id}").json()
        states.append(status["status"])
        if status["status"] in ("complete", "failed"):
            return {**status, "seen": states}
        time.sleep(0.2)
    raise AssertionError(f"report still {states[-1]} after {timeout} s")


@pytest.fixture(scope="module")
def report(demo_client: httpx.Client) -> dict[str, Any]:
    """One report of the last six hours, written to completion."""
    end = time.time()
    for _ in range(30):  # the shared server may be busy with other reports: honour Retry-After
        response = demo_client.post("/report", data={"start_time": end - 6 * 3600, "end_time": end})
        if response.status_code != 429:
            break
        time.sleep(float(response.headers["retry-after"]))
    assert response.status_code == 200
    started = response.json()
    status = wait_for(demo_client, started["report_id"])
    return {"started": started, "status": status}


def test_report_starts_at_once_with_an_id(report: dict[str, Any]) -> None:
    started = report["started"]
    assert started["success"] is True and started["operation"] == "generate_telemetry_report"
    assert started["status"] == "pending"
    report_id = started["report_id"]
    assert report_id.startswith("report_") and report_id.split("_")[1].isdigit()
    assert started["report_url"] == f"{API}/reports/{report_id}/report.html"
    assert Path(started["report_path"]).name == report_id


def test_report_completes_with_every_file(
    report: dict[str, Any], demo_client: httpx.Client
) -> None:
    status = report["status"]
    assert status["status"] == "complete", status
    assert set(status["files"]) == FILES
    assert status["completed_at"] >= status["created_at"]
    folder = Path(report["started"]["report_path"])
    assert {p.name for p in folder.iterdir()} == FILES


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("report.html", "text/html; charset=utf-8"),
        ("index.html", "text/html; charset=utf-8"),
        ("report.json", "application/json"),
        ("operation_latency.png", "image/png"),
        ("queue_size.png", "image/png"),
    ],
)
def test_report_files_are_served(
    report: dict[str, Any], demo_client: httpx.Client, name: str, media_type: str
) -> None:
    response = demo_client.get(f"/reports/{report['started']['report_id']}/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content == (Path(report["started"]["report_path"]) / name).read_bytes()


def test_report_contents(report: dict[str, Any]) -> None:
    folder = Path(report["started"]["report_path"])
    data = json.loads((folder / "report.json").read_text())
    assert set(data["files"]) == FILES
    assert data["summary"]["operation_count"]["count"]  # data in the range
    page = (folder / "report.html").read_text()
    for metric_type in METRIC_TYPES:  # inline charts; the PNG files linked by relative names
        chart = page.split(f'<h2 id="{metric_type}"', 1)[1].split("</section>", 1)[0]
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in chart
        assert re.search(r'<g class="data"><(path d="M|rect x=)', chart), metric_type
        assert f'<a href="{metric_type}.png">' in page
    assert png_size((folder / "throughput.png").read_bytes()) == (1200, 600)


def test_unknown_reports_are_404(demo_client: httpx.Client) -> None:
    assert demo_client.get("/reports/report_1_ffff").status_code == 404
    missing = demo_client.get("/reports/report_1_ffff/report.html")
    assert missing.status_code == 404 and missing.json() == {"detail": "Report file not found"}


def test_report_time_range_is_validated(demo_client: httpx.Client) -> None:
    reversed_range = demo_client.post("/report", data={"start_time": 20, "end_time": 10})
    assert reversed_range.status_code == 400
    malformed = demo_client.post("/report", data={"start_time": "noon"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "start_time"]


# -- paths that must not leave the report folder -------------------------------------------


def raw_get(server: RunningServer, target: str) -> tuple[int, bytes]:
    """GET with the request target sent exactly as written (no client-side normalisation)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    (folder / "report.html").write_text("SECRET OUTSIDE")
    (folder / "secret.json").write_text('{"secret": "SECRET OUTSIDE"}')
    return folder


@pytest.fixture(scope="module")
def planted_links(report: dict[str, Any], outside: Path) -> Iterator[dict[str, str]]:
    """Symbolic links inside the reports folder that point outside it."""
    folder = Path(report["started"]["report_path"])
    file_link = folder / "leak.json"
    dir_link = folder.parent / "report_1_link"
    file_link.symlink_to(outside / "secret.json")
    dir_link.symlink_to(outside, target_is_directory=True)
    yield {"report_id": folder.name}
    file_link.unlink()
    dir_link.unlink()


@pytest.mark.parametrize(
    "target",
    [
        "/reports/../report.html",
        "/reports/%2e%2e/report.html",
        "/reports/%2E%2E/%2e%2e",
        "/reports/..%2F..%2Fetc/passwd",
        "/reports/a%2Fb/report.html",
        "/reports/%2Fetc/passwd",
        "/reports/%2Fetc%2Fpasswd",
        "/reports/report_1_link/report.html",
        "/reports/report_1_link",
        "/reports/.hidden/report.html",
    ],
)
def test_report_ids_cannot_escape(
    wal_telemetry_server: RunningServer, planted_links: dict[str, str], target: str
) -> None:
    status, body = raw_get(wal_telemetry_server, API + target)
    assert status in (400, 404), (status, body[:200])
    assert b"SECRET" not in body and b"root:" not in body
    assert "detail" in json.loads(body)


@pytest.mark.parametrize(
    "file_name",
    [
        "..",
        "%2e%2e",
        "..%2Freport.html",
        "%2Fetc%2Fpasswd",
        "a%2Fb",
        "leak.json",
        ".report.json.tmp",
    ],
)
def test_file_names_cannot_escape(
    wal_telemetry_server: RunningServer, planted_links: dict[str, str], file_name: str
) -> None:
    target = f"{API}/reports/{planted_links['report_id']}/{file_name}"
    status, body = raw_get(wal_telemetry_server, target)
    assert status in (400, 404), (status, body[:200])
    assert b"SECRET" not in body and b"root:" not in body


def test_dot_dot_is_refused_as_invalid(wal_telemetry_server: RunningServer) -> None:
    status, body = raw_get(wal_telemetry_server, f"{API}/reports/%2e%2e/report.html")
    assert (status, json.loads(body)) == (400, {"detail": "Invalid report ID"})
    status, body = raw_get(wal_telemetry_server, f"{API}/reports/report_1_ffff/..")
    assert (status, json.loads(body)) == (400, {"detail": "Invalid file name"})


def test_symlinks_are_not_followed(
    wal_telemetry_server: RunningServer, planted_links: dict[str, str]
) -> None:
    status, _ = raw_get(
        wal_telemetry_server, f"{API}/reports/{planted_links['report_id']}/leak.json"
    )
    assert status == 404


def test_a_report_over_an_extreme_range_still_completes(demo_client: httpx.Client) -> None:
    response = demo_client.post("/report", data={"start_time": -1e300, "end_time": 1e300})
    if response.status_code == 429:
        pytest.skip("the shared server's report queue is full")
    status = wait_for(demo_client, response.json()["report_id"])
    assert status["status"] == "complete", status
