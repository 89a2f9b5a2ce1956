"""The hand-maintained spec is valid and every operation has generated sync and async functions."""

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in METHODS
]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("-", "_")


def test_spec_is_valid_openapi_31() -> None:
    assert SPEC["openapi"].startswith("3.1")
    validate(SPEC)


def test_the_seven_upstream_operations_are_described() -> None:
    described = {
        (method.upper(), path.removeprefix("/api/v0/wal/telemetry"))
        for path, method, _ in OPERATIONS
    }
    assert {
        ("GET", "/metrics"),
        ("GET", "/realtime"),
        ("POST", "/report"),
        ("GET", "/reports/{report_id}/{file_name}"),
        ("GET", "/visualization/{metric_type}"),
        ("GET", "/config"),
        ("POST", "/config"),
    } <= described


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_operation_has_one_id_one_tag_and_documented_parts(
    path: str, method: str, op: dict[str, Any]
) -> None:
    assert op["operationId"]
    assert len(op["tags"]) == 1
    assert op.get("description")
    for param in op.get("parameters", []):
        if "$ref" in param:
            param = SPEC["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
        assert param.get("description"), param["name"]
        assert "example" in param, param["name"]
    for status, response in op["responses"].items():
        if "$ref" in response:
            response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        assert response.get("description"), status
        for media in response.get("content", {}).values():
            assert "example" in media, (status, media)


def test_reference_only_additions_are_marked() -> None:
    upstream_paths = {
        "/metrics",
        "/realtime",
        "/report",
        "/reports/{report_id}/{file_name}",
        "/visualization/{metric_type}",
        "/config",
    }
    for path, _, op in OPERATIONS:
        if path.removeprefix("/api/v0/wal/telemetry") not in upstream_paths:
            assert op.get("x-reference-server-only") is True, path


def test_enums_match_the_seed_exactly() -> None:
    schemas = SPEC["components"]["schemas"]
    assert schemas["TelemetryMetricType"]["enum"] == [
        "operation_count",
        "operation_latency",
        "success_rate",
        "error_rate",
        "backend_health",
        "throughput",
        "queue_size",
        "retry_count",
    ]
    assert schemas["TelemetryAggregation"]["enum"] == [
        "sum",
        "average",
        "minimum",
        "maximum",
        "percentile_95",
        "percentile_99",
        "count",
        "rate",
    ]


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_every_operation_has_generated_sync_and_async_functions(
    path: str, method: str, op: dict[str, Any]
) -> None:
    module = importlib.import_module(
        f"wal_telemetry_api_client.api.{snake(op['tags'][0])}.{snake(op['operationId'])}"
    )
    for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, function, None)), f"{module.__name__}.{function}"
