"""The report in headless Chromium, from disk: `scripts/check_report.py` passes a downloaded
report and fails on a planted console error, a request off the machine and a broken chart."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk import WALTelemetryClient

from . import known

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")),
    reason="Chromium is not installed (make test installs Debian's chromium)",
)
CHART = (
    '<svg class="chart" viewBox="0 0 100 50" aria-label="fine"><g class="data">'
    '<path d="M0 40l10-20 10 5" stroke="#000" fill="none"/></g></svg>'
)


@pytest.fixture(scope="module")
def check_report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_report", ROOT / "scripts/check_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def downloaded(
    known_server: Any, known_client: httpx.Client, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The known data's report, downloaded with the SDK into a folder of its own."""
    folder = tmp_path_factory.mktemp("downloaded")
    with WALTelemetryClient(base_url=known_server.url) as client:
        report = client.generate_report(known.T0, known.T0 + 600)
        assert report.report_id is not None
        client.download_report(report.report_id, folder)
    return folder / "report.html"


def page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(f"<!doctype html><html><body>{body}</body></html>")
    return path


def test_the_downloaded_report_passes_and_is_photographed(
    check_report: ModuleType, downloaded: Path, tmp_path: Path
) -> None:
    first, full = tmp_path / "first.png", tmp_path / "full.png"
    problems = check_report.check(downloaded, min_charts=8, screenshot=first, full_page=full)
    assert problems == []
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (
        int.from_bytes(first.read_bytes()[16:20]),
        int.from_bytes(first.read_bytes()[20:24]),
    )
    full_height = int.from_bytes(full.read_bytes()[20:24])
    assert (width, height) == (1400, 900) and full_height > 3 * height


def test_a_plain_page_with_a_drawn_chart_passes(check_report: ModuleType, tmp_path: Path) -> None:
    assert check_report.check(page(tmp_path, CHART)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (CHART + "<script>console.error('planted failure')</script>", "console error: planted"),
        (CHART + "<script>null.boom</script>", "uncaught exception"),
        (CHART + '<img src="http://203.0.113.7/pixel.png">', "request off the machine: http://203"),
        (
            CHART + "<script>fetch('https://203.0.113.7/beacon').catch(() => {})</script>",
            "request off the machine: https://203.0.113.7/beacon",
        ),
        (
            '<svg class="chart" aria-label="latency" viewBox="0 0 10 10">'
            '<g class="data"><path d=""/></g></svg>',
            "latency: no drawn shape",
        ),
        (CHART + '<img src="missing-chart.png" alt="chart">', "image missing-chart.png: did not"),
        ("<p>no chart at all</p>", "0 charts, expected at least 1"),
    ],
)
def test_a_planted_fault_fails_the_check(
    check_report: ModuleType, tmp_path: Path, body: str, expected: str
) -> None:
    problems = check_report.check(page(tmp_path, body))
    assert any(expected in problem for problem in problems), problems


def test_a_report_whose_script_is_broken_fails_on_hover_and_zoom(
    check_report: ModuleType, downloaded: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "report.html"
    text = downloaded.read_text()
    broken.write_text(
        text.replace('document.querySelectorAll("svg.chart:not([data-empty])")', "[]")
    )
    assert broken.read_text() != text
    problems = check_report.check(broken, min_charts=8)
    assert "hovering a chart shows no values" in problems
    assert "dragging across a chart does not zoom" in problems
