"""The lean response path gives what the generated models would: every conformance response of
both dialects, decoded once and converted straight from JSON, against the same body parsed by
the generated model's `from_dict` first (what the clients did before) and converted from the
model's values. Results must be identical, types included (the generated parser makes enum
members); a body one path refuses, the other must refuse as well, with the same error class.

Both decoders run: orjson (extra `[fast]`) and the standard library's `json`.
"""

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import yaml
from wal_telemetry_api_client import models as api
from wal_telemetry_api_client.types import UNSET

from wal_telemetry_sdk import _bodies
from wal_telemetry_sdk._conversion import (
    config_from_json,
    declared_keys,
    metrics_from_json,
    metrics_from_series_body,
    realtime_from_json,
    report_from_json,
    report_status_from_json,
    time_series_from_json,
)
from wal_telemetry_sdk._error_mapping import arrived, call_errors, unwrap

from .shared import ROOT, load_operations, response_content

# Each JSON operation: the generated model of its 200 body and the SDK's converter.
PARSERS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "getMetrics": (api.MetricsResponse, metrics_from_json),
    "getRealtimeMetrics": (api.RealtimeMetrics, realtime_from_json),
    "generateReport": (api.ReportResponse, report_from_json),
    "getReportStatus": (api.ReportStatus, report_status_from_json),
    "getConfig": (api.ConfigResponse, config_from_json),
    "updateConfig": (api.ConfigResponse, config_from_json),
    "getTimeSeries": (api.TimeSeriesResponse, time_series_from_json),
}
# Bodies the generated parser lets through and the SDK refuses, as the case expects.
LAXER_GENERATED = {
    # `from_dict` iterates `buckets`, so an empty object reads as an empty list.
    "getTimeSeries: buckets is not a list",
}


def _cases() -> Iterator[Any]:
    for name, operation in load_operations().items():
        if name not in PARSERS:
            continue
        for case in operation["responses"]:
            if case.get("status", 200) == 200:
                yield pytest.param(name, case, id=f"{name}: {case['name']}")


@pytest.fixture(params=["orjson", "json"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(_bodies, "fast_decoder", lambda: None)
    else:
        pytest.importorskip("orjson")
    return str(request.param)


def _outcome(parse: Callable[[httpx.Response], Any], content: bytes) -> Any:
    """What a client hands back for a 200 response with `content`: a result, or the SDK
    exception's class (raised inside the scope of one call, as both clients raise it)."""
    response = httpx.Response(200, content=content)
    try:
        with call_errors():
            arrived.set(response)
            return parse(response)
    except Exception as error:
        return type(error)


def _lean(convert: Callable[[Any], Any]) -> Callable[[httpx.Response], Any]:
    return lambda response: unwrap(response, convert)


def _via_generated(model: Any, convert: Callable[[Any], Any]) -> Callable[[httpx.Response], Any]:
    """The body parsed by the generated model's `from_dict` (as the clients did before), then
    converted from the model's own values: enum members, nested models, extra fields."""
    return lambda response: unwrap(response, lambda body: convert(_view(model.from_dict(body))))


def _view(value: Any) -> Any:
    """A generated model as the JSON mapping it stands for, keeping the values `from_dict`
    made (an enum member stays one); unset fields are left out, as the body left them out."""
    if isinstance(value, list):
        return [_view(item) for item in value]
    if not attrs.has(type(value)):
        return value
    view = {}
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.name != "additional_properties" and item is not UNSET:
            view[field.name.removesuffix("_")] = _view(item)
    return view | {key: _view(item) for key, item in value.additional_properties.items()}


def identical(a: Any, b: Any, where: str = "$") -> list[str]:
    """Where `a` and `b` differ in value or in type, through attrs classes, dicts and lists."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"]
    if attrs.has(type(a)):
        problems = []
        for field in attrs.fields(type(a)):
            name = field.name
            problems += identical(getattr(a, name), getattr(b, name), f"{where}.{name}")
        return problems
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} != {list(b)}"]
        return [problem for key in a for problem in identical(a[key], b[key], f"{where}.{key}")]
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        pairs = enumerate(zip(a, b, strict=True))
        return [p for i, (x, y) in pairs for p in identical(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


@pytest.mark.parametrize(("operation", "case"), list(_cases()))
def test_lean_path_equals_the_generated_models(
    operation: str, case: dict[str, Any], decoder: str
) -> None:
    model, convert = PARSERS[operation]
    _, content = response_content(case)
    lean = _outcome(_lean(convert), content)
    generated = _outcome(_via_generated(model, convert), content)
    if f"{operation}: {case['name']}" in LAXER_GENERATED:
        assert isinstance(lean, type) and not isinstance(generated, type), (lean, generated)
        return
    assert identical(lean, generated) == []
    if "result" in case["expect"]:
        assert not isinstance(lean, type), f"the lean path raised {lean.__name__}"


def test_the_identity_check_sees_an_enum_turned_string() -> None:
    body = json.loads((ROOT / "tests/fixtures/responses/getMetrics.reference.json").read_text())
    typed = metrics_from_json(body)
    assert identical(typed, attrs.evolve(typed, metric_type=str(typed.metric_type))) != []


SCHEMAS = {
    api.RealtimeMetrics: "RealtimeMetrics",
    api.MetricsResponse: "MetricsResponse",
    api.ReportResponse: "ReportResponse",
    api.ReportStatus: "ReportStatus",
    api.TimeSeriesResponse: "TimeSeriesResponse",
    api.ConfigResponse: "ConfigResponse",
    api.TelemetryConfig: "TelemetryConfig",
}


@pytest.mark.parametrize("model", list(SCHEMAS), ids=lambda model: model.__name__)
def test_declared_keys_are_the_specs_properties(model: type) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    schema = spec["components"]["schemas"][SCHEMAS[model]]
    assert declared_keys(model) == set(schema["properties"])


def test_the_lean_path_reads_no_generated_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200 body is never handed to `from_dict`: the generated models are not parsed twice."""

    def refuse(*args: object) -> None:
        raise AssertionError("from_dict was called")

    monkeypatch.setattr(api.RealtimeMetrics, "from_dict", classmethod(refuse))
    body = Path(ROOT / "tests/fixtures/responses/getRealtimeMetrics.reference.json").read_bytes()
    result = _outcome(_lean(realtime_from_json), body)
    assert result.success is True


def _series_cases() -> Iterator[Any]:
    """Every getMetrics conformance body, and bodies of point series that are nearly right."""
    for case in load_operations()["getMetrics"]["responses"]:
        yield pytest.param(response_content(case)[1], id=case["name"])
    head = '{"success": true, "metric_type": "operation_latency", "timestamp": 1795861061'
    odd = {
        "ints": "[[1795861000, 1], [1795861001, 2.5]]",
        "unsorted": "[[1795861002.5, 0.1], [1795861001.0, 0.2]]",
        "a null value": "[[1795861000.0, null]]",
        "a null timestamp": "[[null, 0.1]]",
        "NaN": "[[1795861000.0, NaN]]",
        "Infinity": "[[1795861000.0, Infinity]]",
        "a huge number": "[[1795861000.0, 1e400]]",
        "a boolean": "[[1795861000.0, true]]",
        "a string": '[[1795861000.0, "0.1"]]',
        "one part": "[[1795861000.0]]",
        "three parts": "[[1795861000.0, 0.1, 0.2]]",
        "a number for a point": "[1795861000.0]",
        "an object for a point": '[{"t": 1, "v": 2}]',
        "empty": "[]",
    }
    for name, points in odd.items():
        body = f'{head}, "metrics": {{"append": {{"json": {points}, "s3": [[1.5, 0.25]]}}}}}}'
        yield pytest.param(body.encode(), id=name)
    rng = random.Random(3)
    numbers = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-300, 300) for _ in range(4000)]
    points = json.dumps([[abs(t), v] for t, v in zip(numbers[::2], numbers[1::2], strict=True)])
    yield pytest.param(f'{head}, "metrics": {{"a": {{"b": {points}}}}}}}'.encode(), id="floats")
    for name, tail in {
        "a failure envelope": '"success": false, "error": "no", "metrics": {}',
        "an extra field": '"success": true, "shard": 3, "metrics": {"a": {"b": [[1.0, 2.0]]}}',
        "a deeper tree": '"success": true, "metrics": {"operation_latency": {"a": {"b": []}}}',
        "repeated keys": '"success": true, "success": false, "metrics": {"a": {"b": [], "b": 1}}',
    }.items():
        yield pytest.param(f"{{{tail}}}".encode(), id=name)


def _result_or_error(parse: Callable[[httpx.Response], Any], content: bytes) -> Any:
    """A result with its TimeSeries, or the SDK exception's class and message."""
    response = httpx.Response(200, content=content)
    try:
        with call_errors():
            arrived.set(response)
            result = parse(response)
    except Exception as error:
        return type(error), str(error)
    series = result.to_timeseries()
    return result, {labels: (s.timestamps, s.values) for labels, s in series.items()}


@pytest.mark.parametrize("content", list(_series_cases()))
def test_the_series_decoder_gives_what_the_general_path_gives(content: bytes, decoder: str) -> None:
    """Points checked while decoding (msgspec) or after (orjson, json): the same typed result,
    the same columns, the same error class and message."""
    pytest.importorskip("msgspec")
    general = _result_or_error(_lean(metrics_from_json), content)
    direct = _result_or_error(
        lambda response: unwrap(response, metrics_from_json, metrics_from_series_body), content
    )
    assert identical(direct, general) == []


def test_the_series_decoder_takes_the_common_body_and_leaves_the_rest() -> None:
    pytest.importorskip("msgspec")
    fixtures = ROOT / "tests/fixtures/responses"
    common = (fixtures / "getMetrics.reference.json").read_bytes()
    assert metrics_from_series_body(common) == metrics_from_json(json.loads(common))
    for name in ("getMetrics.upstream_aggregated.json", "getMetrics.extra_field.json"):
        assert metrics_from_series_body((fixtures / name).read_bytes()) is None
    assert (
        metrics_from_series_body(b'{"success": true, "metrics": {"a": {"b": [[1, 2, 3]]}}}') is None
    )
