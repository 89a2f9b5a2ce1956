"""`POST /report` with an `Idempotency-Key`: a retry gets the first report, never a second one."""

import uuid

import httpx

from wal_telemetry_server.testing import RunningServer

REPORT = "/api/v0/wal/telemetry/report"


def post(server: RunningServer, key: str | None, **form: float) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return httpx.post(f"{server.url}{REPORT}", data=form, headers=headers, timeout=30)


def test_the_same_key_returns_the_same_report(wal_telemetry_server: RunningServer) -> None:
    key = uuid.uuid4().hex
    first = post(wal_telemetry_server, key, start_time=1.0, end_time=3600.0)
    again = post(wal_telemetry_server, key, start_time=1.0, end_time=3600.0)
    assert first.status_code == again.status_code == 200
    assert first.json()["report_id"] == again.json()["report_id"]
    assert first.headers["idempotency-key"] == again.headers["idempotency-key"] == key


def test_without_a_key_each_request_is_a_new_report(wal_telemetry_server: RunningServer) -> None:
    first = post(wal_telemetry_server, None, start_time=1.0, end_time=3600.0)
    again = post(wal_telemetry_server, None, start_time=1.0, end_time=3600.0)
    assert first.json()["report_id"] != again.json()["report_id"]
    assert "idempotency-key" not in first.headers


def test_a_key_reused_with_other_parameters_is_refused(wal_telemetry_server: RunningServer) -> None:
    key = uuid.uuid4().hex
    assert post(wal_telemetry_server, key, start_time=1.0, end_time=3600.0).status_code == 200
    other = post(wal_telemetry_server, key, start_time=2.0, end_time=3600.0)
    assert other.status_code == 422 and "already used" in other.json()["detail"]


def test_a_key_the_spec_does_not_allow_is_a_bad_request(
    wal_telemetry_server: RunningServer,
) -> None:
    assert post(wal_telemetry_server, "x" * 256).status_code == 400
