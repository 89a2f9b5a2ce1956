"""The Grafana dashboard: provisionable, and every query reads families the exporter serves."""

import json
import re
from pathlib import Path
from typing import Any

from wal_telemetry_sdk.exporter.families import FAMILIES

DASHBOARD = (
    Path(__file__).resolve().parents[2] / "integrations/grafana/dashboards/wal-telemetry.json"
)
METRIC_NAME = re.compile(r"\b(wal_[a-z0-9_]+)\b")


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())  # type: ignore[no-any-return]


def queries() -> list[str]:
    found = [target["expr"] for panel in dashboard()["panels"] for target in panel["targets"]]
    found += [
        variable["definition"]
        for variable in dashboard()["templating"]["list"]
        if "definition" in variable
    ]
    return found


def test_every_dashboard_query_names_an_exported_family() -> None:
    exported = {family.name for family in FAMILIES}
    for query in queries():
        names = METRIC_NAME.findall(query)
        assert names, f"{query!r} names no wal_ family"
        assert set(names) <= exported, f"{query!r} names {set(names) - exported}"


def test_dashboard_is_provisionable_with_instance_and_target_variables() -> None:
    board = dashboard()
    assert board["uid"] == "wal-telemetry" and "__inputs" not in board
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    for name in ("instance", "target"):
        # ".*" also matches series without the label (one target, no `target` label).
        assert variables[name]["includeAll"] and variables[name]["allValue"] == ".*"
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert (
                'instance=~"$instance"' in target["expr"] and 'target=~"$target"' in target["expr"]
            )
    titles = " ".join(panel["title"].lower() for panel in board["panels"])
    for topic in (
        "latency p95",
        "success rate",
        "error rate",
        "throughput",
        "queue size",
        "backend health",
    ):
        assert topic in titles
