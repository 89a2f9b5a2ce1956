"""Idempotency keys for `POST /report`: the same key within a day returns the same report.

The convention of Stripe's API and of the IETF draft "The Idempotency-Key HTTP Header Field": a
client sends a unique key with a request that creates something, may retry it with the same
key, and gets the first answer again instead of a duplicate. A key reused with other parameters
is refused (422). Keys live in memory, at most `MAX_KEYS` of them, for `WINDOW` seconds.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from wal_telemetry_server.errors import ApiError

HEADER = "Idempotency-Key"
WINDOW = 24 * 3600.0
MAX_KEYS = 10_000
KEY = re.compile(r"[!-~]{1,255}")


def checked_key(key: str | None) -> str | None:
    """The request's key, or None; 400 for a key the spec does not allow."""
    if key is not None and not KEY.fullmatch(key):
        raise ApiError(400, f"{HEADER} must be 1 to 255 visible ASCII characters")
    return key


class IdempotentRequests:
    """The first answer to each key, so that a retry with the same key gets it again."""

    def __init__(self, window: float = WINDOW, max_keys: int = MAX_KEYS) -> None:
        self._window = window
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, Hashable, dict[str, Any]]] = OrderedDict()

    def once(
        self, key: str, parameters: Hashable, create: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """`create()`'s answer for the first request with `key`; the same answer afterwards.

        Holding the lock while creating makes two concurrent requests with one key create one
        report. A `create()` that raises (a full queue) leaves no answer behind.
        """
        with self._lock:
            now = time.monotonic()
            while self._answers and next(iter(self._answers.values()))[0] < now - self._window:
                self._answers.popitem(last=False)
            if key in self._answers:
                _, first_parameters, answer = self._answers[key]
                if first_parameters != parameters:
                    raise ApiError(422, f"This {HEADER} was already used with other parameters")
                return answer
            answer = create()
            self._answers[key] = (now, parameters, answer)
            while len(self._answers) > self._max_keys:
                self._answers.popitem(last=False)
            return answer
