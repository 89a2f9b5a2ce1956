"""A real Prometheus scrapes the exporter in front of reference servers; checked via its HTTP API.

Two targets: the live reference server, and the same server's `/realtime` answer frozen on a
fixed-answer socket, so that what Prometheus stored can be compared exactly with what the SDK
reads. Prometheus scrapes `/metrics` (both targets) and `/probe` (the frozen one), and loads the
shipped rules plus rules exported from SDK alert syntax.
"""

import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_sdk.exporter import families
from wal_telemetry_sdk.exporter.rules import prometheus_rules
from wal_telemetry_sdk.exporter.targets import Target, TargetSet

from .conftest import FixedServer, free_port, running_exporter
from .test_dashboard import dashboard

INTEGRATIONS = Path(__file__).resolve().parents[2] / "integrations" / "prometheus"
TEST_RULES = ["operation_count.value > 0 for 2", "queue_size.by_key.pending >= 0"]
OWN = "wal_telemetry_(up|scrape_duration_seconds)"
Labels = frozenset[tuple[str, str]]


class Stack:
    """The Prometheus under test, and the URLs of the frozen and the live target."""

    def __init__(self, url: str, frozen: str, live: str) -> None:
        self.url, self.frozen, self.live = url, frozen, live

    def api(self, path: str, **params: str) -> Any:
        answer = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()["data"]

    def query(self, promql: str) -> list[dict[str, Any]]:
        return self.api("query", query=promql)["result"]  # type: ignore[no-any-return]

    def value(self, promql: str) -> float:
        (only,) = self.query(promql)
        return float(only["value"][1])

    def wait_for(self, what: str, check: Callable[[], Any], seconds: float = 30) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if result := check():
                return result
            time.sleep(0.5)
        pytest.fail(f"Prometheus did not show {what} within {seconds} s")


def prometheus_config(exporter: str, probed: str, rule_files: list[str]) -> dict[str, Any]:
    """Scrape every second: /metrics of the exporter, and /probe of one target by relabelling."""
    relabel = [
        {"source_labels": ["__address__"], "target_label": "__param_target"},
        {"source_labels": ["__param_target"], "target_label": "instance"},
        {"target_label": "__address__", "replacement": exporter},
    ]
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": rule_files,
        "scrape_configs": [
            {"job_name": "wal", "static_configs": [{"targets": [exporter]}]},
            {
                "job_name": "wal-probe",
                "metrics_path": "/probe",
                "static_configs": [{"targets": [probed]}],
                "relabel_configs": relabel,
            },
        ],
    }


@pytest.fixture(scope="module")
def stack(
    wal_telemetry_server: Any,
    frozen_realtime: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus is missing: `make prometheus` installs Debian's prometheus package")
    folder = tmp_path_factory.mktemp("prometheus")
    rules = folder / "test-rules.yml"
    rules.write_text(prometheus_rules(TEST_RULES, interval=1, group="wal-telemetry-test"))
    rule_files = [*map(str, sorted(INTEGRATIONS.glob("wal-telemetry-*.yml"))), str(rules)]
    with FixedServer(frozen_realtime) as frozen:
        live, fixed = Target(wal_telemetry_server.url), Target(frozen.url)
        with running_exporter(TargetSet((live, fixed)), scrape_timeout=5) as exporter:
            config = prometheus_config(exporter.removeprefix("http://"), fixed.url, rule_files)
            (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
            port = free_port()
            command = [
                binary,
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ]
            with open(folder / "prometheus.log", "wb") as log:
                process = subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
            try:
                stack = Stack(f"http://127.0.0.1:{port}", fixed.url, live.url)
                stack.wait_for("readiness", lambda: _ready(stack.url, process, folder))
                yield stack
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _ready(url: str, process: subprocess.Popen[bytes], folder: Path) -> bool:
    if process.poll() is not None:
        pytest.fail("prometheus exited: " + (folder / "prometheus.log").read_text()[-2000:])
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _stored(series: list[dict[str, Any]]) -> dict[tuple[str, Labels], float]:
    """Series as {(name, labels): value}, without the labels Prometheus or the target adds."""
    added = {"__name__", "job", "instance", "target"}
    stored = {}
    for item in series:
        labels = frozenset((k, v) for k, v in item["metric"].items() if k not in added)
        stored[(item["metric"]["__name__"], labels)] = float(item["value"][1])
    return stored


def _expected(family: families.Family, labels: tuple[str, ...]) -> tuple[str, Labels]:
    # Prometheus keeps no empty label (wal_operations_by_status over all operations).
    named = zip(family.labels, labels, strict=True)
    return family.name, frozenset((name, value) for name, value in named if value)


def test_prometheus_stores_what_the_sdk_reads(stack: Stack) -> None:
    with WALTelemetryClient(stack.frozen) as client:
        metrics = client.get_realtime_metrics()
    expected = {_expected(f, labels): value for f, labels, value in families.samples(metrics)}
    assert len(expected) > 50
    jobs = [("wal", f'target="{stack.frozen}"'), ("wal-probe", f'instance="{stack.frozen}"')]
    for job, where in jobs:
        promql = f'{{__name__=~"wal_.+",__name__!~"{OWN}",job="{job}",{where}}}'
        stored = stack.wait_for(f"the {job} series", lambda q=promql: _stored(stack.query(q)))
        assert stored.keys() == expected.keys(), job
        for key, value in expected.items():
            assert stored[key] == pytest.approx(value, rel=1e-12), (job, key)

    # The SDK's own fields in its units (milliseconds, per second) against what was stored.
    frozen = f'job="wal",target="{stack.frozen}"'
    p95 = stack.value(f"wal_overall_latency_seconds_p95{{{frozen}}}")
    assert p95 == pytest.approx(metrics.operation_latency.percentile_95 / 1000)
    per_minute = stack.value(f"wal_overall_operations_per_minute{{{frozen}}}")
    assert per_minute == pytest.approx(metrics.throughput.value * 60)
    assert stack.value(f"wal_overall_success_rate{{{frozen}}}") == metrics.success_rate.value
    key, stats = next(iter(metrics.latency.items()))
    operation, backend = key.split(":")
    one = f'{frozen},operation_type="{operation}",backend="{backend}"'
    per_key_p95 = stack.value(f"wal_operation_latency_seconds_p95{{{one}}}")
    assert per_key_p95 == pytest.approx(stats.percentile_95 / 1000)  # the SDK's ms, in seconds

    up = stack.query('wal_telemetry_up{job="wal"}')
    assert {(item["metric"]["target"], item["value"][1]) for item in up} == {
        (stack.frozen, "1"),
        (stack.live, "1"),
    }


def test_the_live_reference_server_is_scraped_with_its_labels(stack: Stack) -> None:
    with WALTelemetryClient(stack.live) as client:
        metrics = client.get_realtime_metrics()
    live = f'target="{stack.live}"'
    backends = stack.query(f"wal_backend_health{{{live}}}")
    assert {item["metric"]["backend"] for item in backends} == set(metrics.backend_health)
    assert stack.value(f"wal_telemetry_window_seconds{{{live}}}") == metrics.window_seconds
    assert 0 < stack.value(f"wal_overall_latency_seconds_p95{{{live}}}") < 10  # seconds


def test_every_dashboard_panel_shows_data(stack: Stack) -> None:
    for panel in dashboard()["panels"]:
        shown = [
            stack.query(target["expr"].replace("$instance", ".*").replace("$target", ".*"))
            for target in panel["targets"]
        ]
        assert any(shown), f"panel {panel['title']!r} shows nothing"


def test_exported_sdk_rules_fire_and_shipped_rules_evaluate(stack: Stack) -> None:
    def firing() -> set[tuple[str, str]]:
        alerts = stack.api("alerts")["alerts"]
        labels = [alert["labels"] for alert in alerts if alert["state"] == "firing"]
        return {(label["alertname"], label["target"]) for label in labels if "target" in label}

    wanted = {
        ("WALOperationCountHigh", stack.frozen),
        ("WALOperationCountHigh", stack.live),
        ("WALQueueSizePendingHigh", stack.frozen),
    }
    stack.wait_for("the exported rules firing", lambda: wanted <= firing())

    def evaluated() -> list[dict[str, Any]]:
        rules = [rule for group in stack.api("rules")["groups"] for rule in group["rules"]]
        return rules if all(rule["health"] == "ok" for rule in rules) else []

    rules = stack.wait_for("every rule evaluated", evaluated, seconds=40)
    names = {rule["name"] for rule in rules}
    assert {"WALOperationLatencyPercentile95High", "WALTelemetryTargetDown"} <= names
    assert not any(rule.get("lastError") for rule in rules)
