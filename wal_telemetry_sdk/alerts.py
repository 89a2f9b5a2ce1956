"""Threshold alerts on realtime metrics: rules, firing/resolved events, and their evaluation.

A rule names a number of the realtime result by dotted path (`operation_latency.percentile_95`,
`success_rate.by_key.append:json`). Every rule is checked against `REALTIME_FIELDS`, which is
derived from the `RealtimeMetrics` model, before anything is fetched: a typo cannot make a rule
that silently never fires. A field that is missing or `None` on a tick is "no data": that tick
neither advances nor resets a rule, so it cannot fire or resolve a rule.
"""

from __future__ import annotations

import math
import operator
import re
import time
import types
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from wal_telemetry_sdk.models import RealtimeMetrics

__all__ = [
    "ANY_KEY",
    "OPERATORS",
    "REALTIME_FIELDS",
    "AlertEvaluator",
    "AlertEvent",
    "AlertRule",
    "check_rules",
    "format_number",
    "lookup",
    "metric_type_of",
]

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
    r"^\s*(?P<field>[^\s<>=!]+)\s*(?P<op>[<>=!]+)\s*"
    r"(?P<threshold>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"(?:\s+for\s*=?\s*(?P<for_ticks>[0-9]+)(?:\s+ticks?)?)?\s*$"
)
_SYNTAX = (
    f"'<field> <op> <number> [for <ticks>]' with <op> one of {', '.join(OPERATORS)}"
    " and a finite <number>"
)
ANY_KEY = "*"
"""The segment of a field path that stands for any key of a map (an `operation:backend` pair,
a backend, a status)."""
SIGNIFICANT_DIGITS = 6


def _model_paths(model: type, prefix: str = "") -> Iterator[tuple[str, bool]]:
    """`(path, is_number)` for every leaf of an attrs model; maps add an `ANY_KEY` segment."""
    hints = typing.get_type_hints(model)
    for field in attrs.fields(model):
        if field.name != "extra":
            yield from _type_paths(f"{prefix}{field.name}", hints[field.name])


def _type_paths(path: str, hint: Any) -> Iterator[tuple[str, bool]]:
    if isinstance(hint, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if attrs.has(hint):
        yield from _model_paths(hint, f"{path}.")
    elif typing.get_origin(hint) is dict:
        yield from _type_paths(f"{path}.{ANY_KEY}", typing.get_args(hint)[1])
    else:
        yield path, hint in (int, float)


_PATHS = tuple(_model_paths(RealtimeMetrics))
REALTIME_FIELDS: tuple[str, ...] = tuple(path for path, is_number in _PATHS if is_number)
"""Every field of the realtime result a rule can watch, in the model's order."""


def _matches(field: str, pattern: str) -> bool:
    parts, wanted = field.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(
        want in (ANY_KEY, part) and part != "" for part, want in zip(parts, wanted, strict=True)
    )


def _field_problem(field: str, fields: Collection[str]) -> str | None:
    """Why a rule cannot watch `field`, or None when it can."""
    if any(_matches(field, pattern) for pattern in fields):
        return None
    depth = field.count(".") + 1
    groups = {".".join(p.split(".")[:depth]) for p in fields if p.count(".") >= depth}
    others = [path for path, is_number in _PATHS if not is_number]
    if any(_matches(field, pattern) for pattern in [*groups, *others]):
        return f"{field!r} is not a number"
    return f"unknown field {field!r}"


def check_rules(
    rules: Iterable[AlertRule | str], fields: Collection[str] | None = REALTIME_FIELDS
) -> list[AlertRule]:
    """Parse every rule and check that it watches a number in `fields`; call before fetching.

    Raises ValueError naming the rule and listing the valid fields. `fields=None` skips the field
    check (rules on values other than realtime metrics).
    """
    parsed = [AlertRule.parse(r) if isinstance(r, str) else r for r in rules]
    if fields is None:
        return parsed
    for rule in parsed:
        problem = _field_problem(rule.field, fields)
        if problem is not None:
            raise ValueError(
                f"alert rule {rule.name!r}: {problem}; valid fields ({ANY_KEY} is any key): "
                + ", ".join(fields)
            )
    return parsed


def metric_type_of(field: str) -> str:
    """The metric type whose unit a realtime field is in: latency statistics are milliseconds,
    except their `count`, which counts operations."""
    head, _, rest = field.partition(".")
    if head not in ("latency", "operation_latency"):
        return head
    return "operation_count" if rest.rsplit(".", 1)[-1] == "count" else "operation_latency"


def format_number(value: float) -> str:
    """A number for people: digit grouping, up to 6 significant digits, never an exponent."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    decimals = max(0, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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
        threshold = float(match["threshold"]) if match else math.nan
        if match is None or match["op"] not in _COMPARE or not math.isfinite(threshold):
            raise ValueError(f"cannot read alert rule {text!r}: expected {_SYNTAX}")
        if match["for_ticks"] is not None:
            options["for_ticks"] = int(match["for_ticks"])
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

    @property
    def message(self) -> str:
        """One line for people, value and threshold formatted alike: `FIRING <rule>: value ...`."""
        rule = self.rule
        return (
            f"{self.state.upper()} {rule.name}: value {format_number(self.value)}, "
            f"threshold {rule.op} {format_number(rule.threshold)}"
        )


@attrs.define
class _RuleState:
    firing: bool = False
    streak: int = 0  # consecutive ticks towards the next change of state


class AlertEvaluator:
    """Tracks rules across ticks and reports each change of state to `on_event`.

    The rules are checked against `fields` (the realtime result's numbers) when the evaluator is
    made, so a bad rule fails before the first fetch. Not thread-safe: evaluate from one thread
    at a time (a monitor does).
    """

    def __init__(
        self,
        rules: Iterable[AlertRule | str],
        on_event: Callable[[AlertEvent], None] | None = None,
        *,
        fields: Collection[str] | None = REALTIME_FIELDS,
    ) -> None:
        self.rules = check_rules(rules, fields)
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
