"""Errors in FastAPI's shape: `{"detail": "message"}`, or a list of failed checks for 422."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """A request the server refuses with `status_code` and a one-line `detail`."""

    def __init__(self, status_code: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = headers


class ValidationFailed(Exception):
    """A request whose parameters or body failed validation (422 with every failed check)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


def error_item(kind: str, loc: Sequence[str | int], msg: str, value: Any) -> dict[str, Any]:
    """One failed check as FastAPI reports it."""
    return {"type": kind, "loc": list(loc), "msg": msg, "input": value}


class StartupError(Exception):
    """A reason the server cannot start, as one line that names the file and the problem."""
