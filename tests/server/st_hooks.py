"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS): log each call's operation to a file."""

from __future__ import annotations

import os
import threading

import schemathesis

_LOCK = threading.Lock()


@schemathesis.hook
def after_call(
    context: schemathesis.HookContext, case: schemathesis.Case, response: object
) -> None:
    """Append `METHOD /path` of the operation just called to $WAL_ST_CALL_LOG."""
    with _LOCK, open(os.environ["WAL_ST_CALL_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{case.operation.label}\n")
