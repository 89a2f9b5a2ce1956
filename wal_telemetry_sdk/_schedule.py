"""The monitor's clock, without I/O: drift-free slots and what a failed fetch leads to.

Tick k is due at start + k * interval on a monotonic clock, so slow ticks do not push later ones
back; a tick that overruns skips the slots it missed instead of firing them in a burst.
"""

import inspect
import logging
import math
from collections.abc import Callable

import attrs

ErrorHandler = Callable[[BaseException, int], None]
logger = logging.getLogger("wal_telemetry_sdk.monitor")


@attrs.define
class Schedule:
    """Slot arithmetic of one monitoring run; times come from the caller's monotonic clock."""

    interval: float = attrs.field(validator=attrs.validators.gt(0))
    duration: float | None
    start: float
    slot: int = 0

    def next_delay(self, now: float) -> float | None:
        """Move to the first slot after `now`; seconds until it, or None once `duration` is over."""
        self.slot = max(self.slot + 1, math.floor((now - self.start) / self.interval) + 1)
        if self.duration is not None and self.slot * self.interval >= self.duration - 1e-9:
            return None
        return max(0.0, self.start + self.slot * self.interval - now)


@attrs.frozen
class MonitorTick:
    """What a tick knows besides its reading: whether the reading is from this tick, and if not,
    since when the last good one is and how many fetches failed after it."""

    iteration: int
    fresh: bool  # this tick's fetch succeeded
    last_good_at: float | None  # Unix seconds of the last good reading; None before the first
    errors_since_good: int  # failed fetches since then (0 on a fresh tick)
    error: BaseException | None = None  # why this tick's fetch failed


def takes_tick(callback: Callable[..., object]) -> bool:
    """Whether a callback takes a third positional argument, the tick (or any number)."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: the classic two arguments
        return False
    kinds = [p.kind for p in parameters]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(kind in positional for kind in kinds) >= 3


def checked_interval(interval: float) -> float:
    """`interval` if it is a positive number of seconds, else `ValueError`."""
    if not interval > 0:
        raise ValueError(f"interval must be positive, not {interval!r}")
    return interval


def report_failure(
    exc: Exception, iteration: int, on_error: ErrorHandler | None, reraise: bool
) -> None:
    """A failed fetch: raised with `reraise`, else handed to `on_error`, else logged."""
    if reraise:
        raise exc
    if on_error is None:
        logger.warning("fetch failed on iteration %d: %r", iteration, exc, exc_info=exc)
    else:
        on_error(exc, iteration)
