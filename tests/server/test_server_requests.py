"""Strict request parsing: ASCII numbers only, ordered time ranges, and a complete `Allow`."""

from __future__ import annotations

import httpx
import pytest

NOT_NUMBERS = ["١٢", "1_000", "0x10", "\uff11\uff12", "12\u2003", "1e", "--1"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_only_plain_decimal_numbers_are_times(known_client: httpx.Client, value: str) -> None:
    response = known_client.get("/metrics", params={"start_time": value})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"], error["input"]) == (
        "float_parsing",
        ["query", "start_time"],
        value,
    )


@pytest.mark.parametrize("value", ["١٢", "1_2", "\uff11\uff12"])
def test_only_plain_decimal_integers_are_sizes(known_client: httpx.Client, value: str) -> None:
    response = known_client.get("/visualization/throughput", params={"width": value})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "int_parsing"


@pytest.mark.parametrize("value", ["12", " 12 ", "+1.5", "-3", ".5", "5.", "1e3", "1E-3"])
def test_plain_numbers_are_still_accepted(known_client: httpx.Client, value: str) -> None:
    response = known_client.get("/metrics", params={"start_time": value, "aggregation": "count"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/metrics", "/visualization/throughput"])
def test_an_inverted_time_range_is_400(known_client: httpx.Client, path: str) -> None:
    response = known_client.get(path, params={"start_time": 200, "end_time": 100})
    assert response.status_code == 400
    assert response.json() == {"detail": "start_time must not be after end_time"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/config", {"GET", "HEAD", "POST"}),
        ("PUT", "/config", {"GET", "HEAD", "POST"}),
        ("GET", "/report", {"POST"}),
        ("POST", "/realtime", {"GET", "HEAD"}),
    ],
)
def test_405_allows_every_method_of_the_path(
    known_client: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    response = known_client.request(method, path)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
