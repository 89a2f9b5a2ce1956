"""The exporter over HTTP on loopback: /metrics of many targets, /probe, faults, API keys."""

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from wal_telemetry_sdk.exporter.targets import Target, TargetSet, load_config

from .conftest import FixedServer, free_port, parse_samples, running_exporter


def up(samples: dict[Any, float], **labels: str) -> float:
    return samples[("wal_telemetry_up", frozenset(labels.items()))]


def test_one_target_has_no_target_label_and_the_exporter_serves_its_own_metrics(
    wal_telemetry_server: Any,
) -> None:
    with running_exporter(TargetSet((Target(wal_telemetry_server.url),))) as exporter:
        answer = httpx.get(exporter + "/metrics", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse_samples(answer.text)
    assert up(samples) == 1.0
    names = {name for name, _ in samples}
    assert {"wal_overall_latency_seconds_p95", "wal_backend_health", "wal_queue_size"} <= names
    assert {"process_cpu_seconds_total", "python_gc_objects_collected_total"} <= names
    assert not any("target" in dict(labels) for _, labels in samples)


def test_a_down_or_slow_target_gives_up_0_and_the_others_are_served(
    wal_telemetry_server: Any, frozen_realtime: dict[str, Any]
) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    with FixedServer(frozen_realtime, delay=20) as slow:
        targets = TargetSet(tuple(map(Target, [wal_telemetry_server.url, down, slow.url])))
        with running_exporter(targets, scrape_timeout=1.0) as exporter:
            started = time.monotonic()
            answer = httpx.get(exporter + "/metrics", timeout=30)
            took = time.monotonic() - started
    assert answer.status_code == 200
    assert took < 5  # bounded by the scrape timeout, not by the slow target's 20 s
    samples = parse_samples(answer.text)
    assert up(samples, target=wal_telemetry_server.url) == 1.0
    assert up(samples, target=down) == 0.0
    assert up(samples, target=slow.url) == 0.0
    live = [labels for name, labels in samples if name == "wal_backend_health"]
    assert live and all(dict(labels)["target"] == wal_telemetry_server.url for labels in live)
    duration = samples[("wal_telemetry_scrape_duration_seconds", frozenset({("target", slow.url)}))]
    assert 0.9 < duration < 3


def test_prometheus_scrape_timeout_header_shortens_the_budget(
    frozen_realtime: dict[str, Any],
) -> None:
    slow = FixedServer(frozen_realtime, delay=20)
    with slow, running_exporter(TargetSet((Target(slow.url),)), scrape_timeout=30) as exporter:
        started = time.monotonic()
        answer = httpx.get(
            exporter + "/metrics",
            headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"},
            timeout=30,
        )
        took = time.monotonic() - started
    assert up(parse_samples(answer.text)) == 0.0
    assert took < 3


def test_probe_refuses_unconfigured_targets_and_sends_them_nothing(
    frozen_realtime: dict[str, Any],
) -> None:
    with FixedServer(frozen_realtime) as elsewhere:
        configured = TargetSet((Target("http://127.0.0.1:1"),))
        with running_exporter(configured) as exporter:
            refused = httpx.get(exporter + "/probe", params={"target": elsewhere.url})
            missing = httpx.get(exporter + "/probe")
            lost = httpx.get(exporter + "/nothing-here")
            posted = httpx.post(exporter + "/metrics")
    assert refused.status_code == 403
    assert "not configured" in refused.text
    assert elsewhere.requests == []
    assert missing.status_code == 400
    assert lost.status_code == 404
    assert posted.status_code == 405


def test_probe_reads_one_configured_target_without_a_target_label(
    wal_telemetry_server: Any, frozen_realtime: dict[str, Any]
) -> None:
    with FixedServer(frozen_realtime) as other:
        targets = TargetSet((Target(wal_telemetry_server.url), Target(other.url)))
        with running_exporter(targets) as exporter:
            answer = httpx.get(exporter + "/probe", params={"target": other.url + "/"})
    samples = parse_samples(answer.text)
    assert answer.status_code == 200
    assert up(samples) == 1.0
    assert len(other.requests) == 1
    assert not any(name.startswith("process_") for name, _ in samples)
    assert not any("target" in dict(labels) for _, labels in samples)


def test_api_keys_reach_each_target_from_the_config_file_or_the_environment(
    tmp_path: Path, frozen_realtime: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAL_TELEMETRY_API_KEY", "shared-key")
    secret = tmp_path / "key"
    secret.write_text("node-key\n")
    with FixedServer(frozen_realtime) as keyed, FixedServer(frozen_realtime) as shared:
        config = tmp_path / "exporter.toml"
        config.write_text(f'[[target]]\nurl = "{keyed.url}"\napi_key_file = "{secret}"\n')
        targets, _ = load_config(config, [shared.url])
        with running_exporter(targets) as exporter:
            httpx.get(exporter + "/metrics", timeout=30)
    assert keyed.requests[0]["Authorization"] == "Bearer node-key"
    assert shared.requests[0]["Authorization"] == "Bearer shared-key"


def test_exposition_escapes_label_values_and_writes_every_number(
    frozen_realtime: dict[str, Any],
) -> None:
    body = {
        **frozen_realtime,
        "backend_health": {'odd "name"\\\n': {"status": "online", "value": 1}},
    }
    # JSON has no infinity (the SDK refuses one): ops/s near the float limit overflow as ops/min.
    body["throughput"] = {"value": 1e308, "by_key": {}}
    with FixedServer(body) as server:
        targets = TargetSet((Target(server.url), Target(f"http://127.0.0.1:{free_port()}")))
        with running_exporter(targets) as exporter:
            text = httpx.get(exporter + "/metrics", timeout=30).text
    samples = parse_samples(text)
    infinite = [line for line in text.splitlines() if line.endswith(" +Inf")]
    assert infinite and all(f'target="{server.url}"' in line for line in infinite)
    health = (
        "wal_backend_health",
        frozenset({("backend", 'odd "name"\\\n'), ("target", server.url)}),
    )
    assert samples[health] == 1.0


async def test_clients_for_probed_targets_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from wal_telemetry_sdk.exporter import scrape

    monkeypatch.setattr(scrape, "MAX_CLIENTS", 2)
    reader = scrape.TargetReader(timeout=1)
    urls = [f"http://127.0.0.1:{free_port()}" for _ in range(4)]
    for url in urls:
        reading = await reader.read(Target(url), budget=1)
        assert reading.metrics is None and reading.error
    assert [target.url for target in reader._clients] == urls[-2:]
    await reader.close()
