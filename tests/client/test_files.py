"""Report ids and file names are checked path segments; saves are atomic."""

import os
from pathlib import Path

import httpx
import pytest

from wal_telemetry_sdk import APIConnectionError, WALTelemetryClient
from wal_telemetry_sdk._files import checked_file_name, checked_report_id, save_atomically


@pytest.mark.parametrize(
    "report_id",
    [
        "..",
        ".",
        "../secrets",
        "a/b",
        "a\\b",
        "report\x00",
        "%2e%2e",
        "%2E%2E%2Fetc",
        "report%2fx",
        "",
        "-leading-dash",
        "x" * 129,
        "report.html",
    ],
)
def test_unsafe_report_ids_are_refused(report_id: str) -> None:
    with pytest.raises(ValueError, match="Invalid report_id"):
        checked_report_id(report_id)


@pytest.mark.parametrize(
    "file_name", ["..", "../report.html", "a/b.png", "..\\x", "x\x00.png", "%2e%2e", ".hidden", ""]
)
def test_unsafe_file_names_are_refused(file_name: str) -> None:
    with pytest.raises(ValueError, match="Invalid file_name"):
        checked_file_name(file_name)


@pytest.mark.parametrize(
    ("report_id", "file_name"),
    [
        ("report_1795861061_-5393351763606346076", "report.html"),
        ("report_123", "index.html"),
        ("r", "operation_latency.png"),
    ],
)
def test_real_ids_and_names_pass(report_id: str, file_name: str) -> None:
    assert checked_report_id(report_id) == report_id
    assert checked_file_name(file_name) == file_name


def test_the_message_names_the_problem() -> None:
    with pytest.raises(ValueError, match="contains '/'"):
        checked_file_name("a/b")
    with pytest.raises(ValueError, match="contains '%'"):
        checked_report_id("%2e%2e")


def test_atomic_save_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")
    assert save_atomically(target, b"new content") == str(target)
    assert target.read_bytes() == b"new content"
    assert os.listdir(tmp_path) == ["chart.png"]


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_atomically(tmp_path / "report.html", b"<html>")
    assert os.listdir(tmp_path) == []


@pytest.mark.usefixtures("quick_retries")
def test_a_failed_download_writes_nothing(tmp_path: Path) -> None:
    def reset_mid_body(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset while reading the body", request=request)

    target = tmp_path / "report.html"
    faulty = httpx.Client(transport=httpx.MockTransport(reset_mid_body))
    client = WALTelemetryClient("http://wal.test", http_client=faulty, max_retries=1)
    with client, pytest.raises(APIConnectionError):
        client.get_report_file("report_1", "report.html", save_path=target)
    assert os.listdir(tmp_path) == []
