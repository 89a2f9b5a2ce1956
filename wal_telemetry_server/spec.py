"""The hand-maintained OpenAPI document the server implements, shipped as package data."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def openapi_bytes() -> bytes:
    """The bytes of `openapi.yaml`, exactly as maintained at the top of the repository."""
    return resources.files("wal_telemetry_server").joinpath("openapi.yaml").read_bytes()
