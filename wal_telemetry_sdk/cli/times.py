"""Times typed on a command line: Unix seconds, ISO 8601, `now`, or an age such as `24h`."""

import re
import time
from datetime import datetime

AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_time(text: str, *, now: float | None = None) -> float:
    """Unix seconds for `text`; an age like `90m` or `7d` means that long before now."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    if value == "now":
        return now
    if match := AGE.match(value.removeprefix("-")):
        return now - float(match[1]) * UNIT_SECONDS[match[2]]
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise ValueError(
            f"invalid time {text!r}: use Unix seconds, ISO 8601 (2026-11-28T10:00), "
            "'now', or an age such as 30m, 24h, 7d"
        ) from None


def parse_interval(text: str) -> str | float:
    """`hour`/`day`/`week` as they are, or a step such as `900`, `15m` or `6h` in seconds."""
    value = text.strip().lower()
    if value in {"hour", "day", "week"}:
        return value
    if match := AGE.match(value):
        return float(match[1]) * UNIT_SECONDS[match[2]]
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"invalid interval {text!r}: use hour, day, week, or a step such as 900, 15m, 6h"
        ) from None
