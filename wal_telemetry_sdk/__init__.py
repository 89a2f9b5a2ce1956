"""Typed Python SDK for the WAL telemetry API."""

from wal_telemetry_sdk._version import __version__

__all__ = ["__version__"]
