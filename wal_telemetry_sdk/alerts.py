"""Threshold alerts on realtime metrics: rules, firing/resolved events, and their evaluation.

A rule names a field by dotted path (`operation_latency.percentile_95`). A field that is missing
or `None` is "no data": that tick neither advances nor resets a rule, so it cannot fire or resolve
a rule. Keys that contain "." cannot be addressed.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import attrs

__all__ = ["OPERATORS", "AlertEvaluator", "AlertEvent", "AlertRule", "lookup"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
OPERATORS = tuple(_COMPARE)
_RULE = re.compile(
    r"^\s*(?P<field>[^\s<>=!]+)\s*(?P<op>[<>=!]+)\s*(?P<threshold>\S+?)"
    r"(?:\s+for\s*=?\s*(?P<for_ticks>\S+?)(?:\s+ticks?)?)?\s*$"
)
_SYNTAX = f"'<field> <op> <number> [for <ticks>]' with <op> one of {', '.join(OPERATORS)}"


def _check_operator(_: object, __: object, op: str) -> None:
    if op not in _COMPARE:
        raise ValueError(f"unknown operator {op!r}: use one of {', '.join(OPERATORS)}")


def _default_name(rule: AlertRule) -> str:
    return f"{rule.field} {rule.op} {rule.threshold:.15g}"


@attrs.frozen
class AlertRule:
    """Fires after `for_ticks` breaching ticks, resolves after `clear_ticks` healthy ones.

    Healthy means the value is back past `threshold` moved by `hysteresis` to the healthy side:
    for `latency > 500` with hysteresis 50 the value must fall to 450 or lower.
    """

    field: str
    op: str = attrs.field(validator=_check_operator)
    threshold: float = attrs.field(converter=float)
    for_ticks: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    clear_ticks: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    hysteresis: float = attrs.field(default=0.0, converter=float, validator=attrs.validators.ge(0))
    name: str = attrs.field(default=attrs.Factory(_default_name, takes_self=True))

    @classmethod
    def parse(cls, text: str, **options: Any) -> AlertRule:
        """Read `"success_rate.value < 0.99 for 3"` (or `for=3`); `options` set the other fields.

        The rule's name defaults to the text.
        """
        match = _RULE.match(text)
        if match is None or match["op"] not in _COMPARE:
            raise ValueError(f"cannot read alert rule {text!r}: expected {_SYNTAX}")
        try:
            threshold = float(match["threshold"])
            if match["for_ticks"] is not None:
                options["for_ticks"] = int(match["for_ticks"])
        except ValueError:
            raise ValueError(f"cannot read alert rule {text!r}: expected {_SYNTAX}") from None
        options.setdefault("name", " ".join(text.split()))
        return cls(match["field"], match["op"], threshold, **options)

    def breaches(self, value: float) -> bool:
        """Whether `value` is on the alerting side of the threshold."""
        return _COMPARE[self.op](value, self.threshold)

    def is_healthy(self, value: float) -> bool:
        """Whether `value` is clear of the threshold by at least the hysteresis."""
        if self.op in ("==", "!="):
            near = abs(value - self.threshold) <= self.hysteresis
            return not near if self.op == "==" else near
        shift = -self.hysteresis if self.op in (">", ">=") else self.hysteresis
        return not _COMPARE[self.op](value, self.threshold + shift)


@attrs.frozen
class AlertEvent:
    """A rule starting to fire, or resolving, on a given tick."""

    rule: AlertRule
    state: Literal["firing", "resolved"]
    value: float
    iteration: int
    timestamp: float  # Unix seconds when the tick was evaluated


@attrs.define
class _RuleState:
    firing: bool = False
    streak: int = 0  # consecutive ticks towards the next change of state


class AlertEvaluator:
    """Tracks rules across ticks and reports each change of state to `on_event`.

    Not thread-safe: evaluate from one thread at a time (a monitor does).
    """

    def __init__(
        self,
        rules: Iterable[AlertRule | str],
        on_event: Callable[[AlertEvent], None] | None = None,
    ) -> None:
        self.rules = [AlertRule.parse(r) if isinstance(r, str) else r for r in rules]
        self.on_event = on_event
        self._states = [_RuleState() for _ in self.rules]

    @property
    def firing(self) -> list[AlertRule]:
        """The rules firing now."""
        return [rule for rule, state in zip(self.rules, self._states, strict=True) if state.firing]

    def evaluate(self, metrics: Any, iteration: int) -> list[AlertEvent]:
        """Advance every rule by one tick of `metrics`; return (and deliver) the new events."""
        now = time.time()
        events = []
        for rule, state in zip(self.rules, self._states, strict=True):
            value = _as_number(rule.field, lookup(metrics, rule.field))
            if value is None:
                continue
            moving = rule.is_healthy(value) if state.firing else rule.breaches(value)
            state.streak = state.streak + 1 if moving else 0
            if state.streak >= (rule.clear_ticks if state.firing else rule.for_ticks):
                state.firing, state.streak = not state.firing, 0
                kind: Literal["firing", "resolved"] = "firing" if state.firing else "resolved"
                events.append(AlertEvent(rule, kind, value, iteration, now))
        if self.on_event is not None:
            for event in events:
                self.on_event(event)
        return events


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path, through mappings, subscripts or attributes; None if missing."""
    for key in path.split("."):
        if data is None:
            return None
        if isinstance(data, Mapping):
            data = data.get(key)
            continue
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            data = getattr(data, key, None)
    return data


def _as_number(path: str, value: Any) -> float | None:
    if value is None or isinstance(value, int | float):
        return value
    raise TypeError(f"alert field {path!r} is a {type(value).__name__}, not a number")
