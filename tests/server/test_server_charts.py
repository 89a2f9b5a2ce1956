"""Chart requests are bounded and dropped when their client leaves, so later charts still come."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wal_telemetry_server.testing import RunningServer, running_server

from .conftest import API

BIG = {"width": 40, "height": 40}
TINY = {"width": 1, "height": 1}
ABANDONED = 40


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db: Path = tmp_path_factory.mktemp("charts") / "charts.sqlite3"
    with running_server(demo=False, db_path=db) as server:
        yield server


def chart_seconds(url: str, size: dict[str, int]) -> float:
    started = time.perf_counter()
    response = httpx.get(url + API + "/visualization/throughput", params=size, timeout=300)
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    return time.perf_counter() - started


def abandon(url: str, count: int, patience: float) -> list[httpx.Response]:
    """`count` big chart requests at once, each given up by its client after `patience` s."""
    answered: list[httpx.Response] = []

    def ask() -> None:
        try:
            path = API + "/visualization/throughput"
            answered.append(httpx.get(url + path, params=BIG, timeout=patience))
        except httpx.TimeoutException:
            pass

    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered


def test_a_full_chart_queue_answers_503_with_retry_after(server: RunningServer) -> None:
    answered = abandon(server.url, ABANDONED, patience=1.5)
    busy = [r for r in answered if r.status_code == 503]
    assert len(busy) >= ABANDONED // 2, [r.status_code for r in answered]
    for response in busy:
        assert int(response.headers["retry-after"]) >= 1
        assert "retry" in response.json()["detail"]


def test_charts_abandoned_by_their_clients_do_not_delay_the_next(server: RunningServer) -> None:
    chart_seconds(server.url, TINY)  # workers warm
    big = chart_seconds(server.url, BIG)
    abandon(server.url, ABANDONED, patience=1.5)
    # Were the abandoned charts still drawn, the tiny one would wait for about
    # ABANDONED / 2 workers x `big`; dropped, it waits at most for the two being drawn.
    waited = chart_seconds(server.url, TINY)
    assert waited < 5 * big, (waited, big)
