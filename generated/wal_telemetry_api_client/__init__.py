"""A client library for accessing WAL Telemetry API"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)

_HOMES = {
    "AuthenticatedClient": ".client",
    "Client": ".client",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import the module that defines `name` the first time it is asked for, and keep it."""
        if name not in _HOMES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(_HOMES[name], __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
