"""The SDK's alert rules as Prometheus alerting rules, so one definition serves both.

A rule such as `operation_latency.percentile_95 > 500 for 3` (milliseconds, three ticks) becomes
`wal_overall_latency_seconds_p95 > 0.5` with `for: 30s` at a 15 s evaluation interval: each
evaluation is one tick, so `for` is (ticks - 1) intervals and `keep_firing_for` is
(clear_ticks - 1) intervals. Thresholds are converted to the family's unit by `families`.
"""

import json
import math
import re
from collections.abc import Iterable

from wal_telemetry_sdk.alerts import AlertRule
from wal_telemetry_sdk.exporter.families import field_query

__all__ = ["DEFAULT_INTERVAL", "alert_name", "prometheus_rules", "read_rule_lines"]

DEFAULT_INTERVAL = 15.0  # seconds between evaluations; one SDK tick each
_DIRECTION = {">": "High", ">=": "High", "<": "Low", "<=": "Low", "==": "Is", "!=": "IsNot"}


def alert_name(rule: AlertRule) -> str:
    """A Prometheus alert name: `WALOperationLatencyPercentile95High`, `WALSuccessRateLow`."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", rule.field) if w not in ("value", "by", "key")]
    return "WAL" + "".join(word[:1].upper() + word[1:] for word in words) + _DIRECTION[rule.op]


def _duration(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    return f"{milliseconds // 1000}s" if milliseconds % 1000 == 0 else f"{milliseconds}ms"


def _threshold(rule: AlertRule, scale: float) -> str:
    if not math.isfinite(rule.threshold):
        raise ValueError(f"alert rule {rule.name!r}: the threshold must be a finite number")
    return format(rule.threshold * scale, ".15g")


def prometheus_rules(
    rules: Iterable[AlertRule | str],
    *,
    interval: float = DEFAULT_INTERVAL,
    group: str = "wal-telemetry",
    severity: str = "warning",
) -> str:
    """A Prometheus rule file (YAML) with one alerting rule per SDK rule, in one group.

    Raises ValueError for a field without a Prometheus family, a rule with hysteresis (which
    Prometheus cannot express), or an interval that is not a positive number of seconds.
    """
    if not (isinstance(interval, int | float) and math.isfinite(interval) and interval > 0):
        raise ValueError(f"interval must be a positive number of seconds, got {interval!r}")
    lines = ["groups:", f"  - name: {_text(group)}", f"    interval: {_duration(interval)}"]
    lines.append("    rules:")
    parsed = [AlertRule.parse(rule) if isinstance(rule, str) else rule for rule in rules]
    if not parsed:
        raise ValueError("give at least one alert rule")
    for rule in parsed:
        if rule.hysteresis:
            raise ValueError(
                f"alert rule {rule.name!r}: hysteresis has no Prometheus equivalent; use 0"
            )
        query = field_query(rule.field)
        unit = " s" if "_seconds" in query.family.name else ""
        lines += [
            f"      - alert: {alert_name(rule)}",
            f"        expr: {_text(f'{query.promql()} {rule.op} {_threshold(rule, query.scale)}')}",
        ]
        if rule.for_ticks > 1:
            lines.append(f"        for: {_duration((rule.for_ticks - 1) * interval)}")
        if rule.clear_ticks > 1:
            lines.append(f"        keep_firing_for: {_duration((rule.clear_ticks - 1) * interval)}")
        lines += [
            "        labels:",
            f"          severity: {_text(severity)}",
            "        annotations:",
            f"          summary: {_text(f'WAL telemetry: {rule.name}')}",
            "          description: "
            + _text(
                "{{ $labels.instance }}{{ with $labels.target }} ({{ . }}){{ end }}: "
                f"{query.family.name} is {{{{ $value }}}}{unit}; the SDK rule is `{rule.name}`"
            ),
        ]
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(value)


def read_rule_lines(text: str) -> list[str]:
    """Rules one per line; blank lines and lines starting with `#` are left out."""
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]
