"""Reading query and form parameters with FastAPI-compatible validation errors."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from wal_telemetry_server.errors import ApiError, ValidationFailed, error_item
from wal_telemetry_server.model import AGGREGATIONS, FILTER_MAX_LENGTH, METRIC_TYPES, Selection

INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""Plain ASCII decimal numbers: no other scripts' digits, no `_` separators, no hex."""
NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
SPACE = " \t\r\n"


class ParamReader:
    """Collects every parameter problem of one request, then raises them together."""

    def __init__(self, values: Mapping[str, str], where: str = "query") -> None:
        self.values = values
        self.where = where
        self.errors: list[dict[str, Any]] = []

    def _fail(self, kind: str, name: str, msg: str, value: Any) -> None:
        self.errors.append(error_item(kind, [self.where, name], msg, value))

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A finite float, or None when absent and optional."""
        raw = self.values.get(name)
        if raw is None:
            if required:
                self._fail("missing", name, "Field required", None)
            return None
        text = raw.strip(SPACE)
        if not (NUMBER.fullmatch(text) or NOT_FINITE.fullmatch(text)):
            msg = "Input should be a valid number, unable to parse string as a number"
            self._fail("float_parsing", name, msg, raw)
            return None
        value = float(text)
        if not math.isfinite(value):
            self._fail("finite_number", name, "Input should be a finite number", raw)
            return None
        if minimum is not None and value < minimum:
            msg = f"Input should be greater than or equal to {minimum:g}"
            self._fail("greater_than_equal", name, msg, raw)
            return None
        if maximum is not None and value > maximum:
            msg = f"Input should be less than or equal to {maximum:g}"
            self._fail("less_than_equal", name, msg, raw)
            return None
        return value

    def integer(self, name: str, *, default: int, minimum: int, maximum: int) -> int:
        """An integer within `[minimum, maximum]`, or `default` when absent."""
        raw = self.values.get(name)
        if raw is None:
            return default
        text = raw.strip(SPACE)
        if not INTEGER.fullmatch(text):
            msg = "Input should be a valid integer, unable to parse string as an integer"
            self._fail("int_parsing", name, msg, raw)
            return default
        value = int(text)
        if value < minimum:
            self._fail(
                "greater_than_equal",
                name,
                f"Input should be greater than or equal to {minimum}",
                raw,
            )
        elif value > maximum:
            self._fail(
                "less_than_equal", name, f"Input should be less than or equal to {maximum}", raw
            )
        return value

    def text(self, name: str, *, max_length: int = FILTER_MAX_LENGTH) -> str | None:
        """A string of at most `max_length` characters, or None when absent."""
        raw = self.values.get(name)
        if raw is not None and len(raw) > max_length:
            msg = f"String should have at most {max_length} characters"
            self._fail("string_too_long", name, msg, raw)
            return None
        return raw

    def selection(self) -> Selection:
        """The operation, backend, status and time-range filters."""
        return Selection(
            operation_type=self.text("operation_type"),
            backend=self.text("backend"),
            status=self.text("status"),
            start_time=self.number("start_time"),
            end_time=self.number("end_time"),
        )

    def done(self) -> None:
        """Raise the collected problems, if any, as one 422."""
        if self.errors:
            raise ValidationFailed(self.errors)


def check_order(start_time: float | None, end_time: float | None) -> None:
    """400 when both ends of a time range are given and the start is after the end."""
    if start_time is not None and end_time is not None and start_time > end_time:
        raise ApiError(400, "start_time must not be after end_time")


def _choice(value: str, choices: Sequence[str], what: str) -> str:
    if value not in choices:
        raise ApiError(400, f"Invalid {what}. Must be one of: {', '.join(choices)}")
    return value


def metric_type(value: str | None) -> str | None:
    """A known metric type, or 400 naming the valid ones (the upstream server's answer)."""
    return None if value is None else _choice(value, METRIC_TYPES, "metric type")


def aggregation(value: str | None) -> str | None:
    """A known aggregation, or 400 naming the valid ones."""
    return None if value is None else _choice(value, AGGREGATIONS, "aggregation")
