"""The telemetry settings: defaults, validation of updates, and persistence in the store."""

from __future__ import annotations

import math
import threading
from dataclasses import asdict, dataclass, replace
from typing import Any

from wal_telemetry_server.errors import ValidationFailed, error_item
from wal_telemetry_server.store import TelemetryStore

RESTART_KEYS = ("metrics_path", "operation_hooks")
"""Settings that only take effect after a restart."""

# key: (kind, minimum, maximum); kinds "bool", "int", "str" (min/max are lengths for "str")
FIELDS: dict[str, tuple[str, int, int]] = {
    "enabled": ("bool", 0, 0),
    "metrics_path": ("str", 1, 1024),
    "retention_days": ("int", 1, 3650),
    "sampling_interval": ("int", 1, 86_400),
    "enable_detailed_timing": ("bool", 0, 0),
    "operation_hooks": ("bool", 0, 0),
}


@dataclass(frozen=True, slots=True)
class TelemetryConfig:
    """The settings the API reads and changes."""

    metrics_path: str
    enabled: bool = True
    retention_days: int = 30
    sampling_interval: int = 60
    enable_detailed_timing: bool = True
    operation_hooks: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the API's key order."""
        data = asdict(self)
        return {key: data[key] for key in FIELDS}


def _check_field(key: str, value: Any) -> tuple[Any, dict[str, Any] | None]:
    """The accepted value of one field, or the FastAPI-style error describing why it is refused."""
    kind, low, high = FIELDS[key]
    loc = ["body", key]
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        return None, error_item("bool_type", loc, "Input should be a valid boolean", value)
    if kind == "int":
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return None, error_item("int_type", loc, "Input should be a valid integer", value)
        if value < low:
            msg = f"Input should be greater than or equal to {low}"
            return None, error_item("greater_than_equal", loc, msg, value)
        if value > high:
            msg = f"Input should be less than or equal to {high}"
            return None, error_item("less_than_equal", loc, msg, value)
        return value, None
    if not isinstance(value, str):
        return None, error_item("string_type", loc, "Input should be a valid string", value)
    if len(value) < low:
        msg = f"String should have at least {low} character"
        return None, error_item("string_too_short", loc, msg, value)
    if len(value) > high:
        msg = f"String should have at most {high} characters"
        return None, error_item("string_too_long", loc, msg, value)
    return value, None


def validate_update(body: Any) -> dict[str, Any]:
    """The changes a `POST /config` body asks for; `ValidationFailed` lists every problem."""
    if not isinstance(body, dict):
        raise ValidationFailed(
            [
                error_item(
                    "model_attributes_type",
                    ["body"],
                    "Input should be a valid dictionary or object to extract fields from",
                    body,
                )
            ]
        )
    changes: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for key, value in body.items():
        if key not in FIELDS:
            errors.append(
                error_item(
                    "extra_forbidden", ["body", key], "Extra inputs are not permitted", value
                )
            )
            continue
        accepted, error = _check_field(key, value)
        if error is not None:
            errors.append(error)
        else:
            changes[key] = accepted
    if errors:
        raise ValidationFailed(errors)
    return changes


class ConfigManager:
    """The current settings, shared by the HTTP layer and the workload, persisted in the store."""

    def __init__(self, store: TelemetryStore, defaults: TelemetryConfig) -> None:
        self._store = store
        self._lock = threading.Lock()
        stored = {k: v for k, v in store.load_settings().items() if k in FIELDS}
        valid: dict[str, Any] = {}
        for key, value in stored.items():
            accepted, error = _check_field(key, value)
            if error is None:
                valid[key] = accepted
        self._config = replace(defaults, **valid)

    @property
    def current(self) -> TelemetryConfig:
        """A snapshot of the settings."""
        with self._lock:
            return self._config

    def update(self, changes: dict[str, Any]) -> tuple[TelemetryConfig, str | None]:
        """Store, then apply, validated changes; returns the new settings and a warning about
        restarts. When the store fails, the settings stay as they were."""
        with self._lock:
            before = self._config
            after = replace(before, **changes)
            self._store.save_settings(after.to_dict())  # persisted first: a failure changes nothing
            self._config = after
        needs_restart = [
            k for k in RESTART_KEYS if k in changes and changes[k] != getattr(before, k)
        ]
        warning = None
        if needs_restart:
            names = " and ".join(needs_restart)
            verb = "takes" if len(needs_restart) == 1 else "take"
            warning = f"{names} {verb} effect after a restart"
        return after, warning
