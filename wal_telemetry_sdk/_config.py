"""Client settings: each from its argument, else its environment variable, else a default."""

import dataclasses
import math
import os

from wal_telemetry_sdk._bodies import MAX_FILE_BYTES, MAX_JSON_BYTES

DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2

ENV_BASE_URL = "WAL_TELEMETRY_API_URL"
ENV_API_KEY = "WAL_TELEMETRY_API_KEY"
ENV_TIMEOUT = "WAL_TELEMETRY_TIMEOUT"
ENV_VERIFY_SSL = "WAL_TELEMETRY_VERIFY_SSL"

BOOLEAN_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Resolved, validated settings of one client; the API key stays out of `repr()`."""

    base_url: str
    api_key: str | None = dataclasses.field(repr=False)
    timeout: float
    verify_ssl: bool
    max_retries: int
    max_response_bytes: int = MAX_JSON_BYTES
    max_file_bytes: int = MAX_FILE_BYTES


def resolve_settings(
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float | None = None,
    verify_ssl: bool | None = None,
    max_retries: int | None = None,
    max_response_bytes: int | None = None,
    max_file_bytes: int | None = None,
) -> Settings:
    """Apply argument > environment variable > default to every setting, and validate them."""
    url = base_url if base_url is not None else os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
    key = checked_api_key(api_key if api_key is not None else os.environ.get(ENV_API_KEY))
    if timeout is None:
        timeout = _env_number(ENV_TIMEOUT, DEFAULT_TIMEOUT)
    if verify_ssl is None:
        verify_ssl = _env_boolean(ENV_VERIFY_SSL, default=True)
    retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    return Settings(
        base_url=url.rstrip("/"),
        api_key=key,
        timeout=_positive_seconds(timeout, "timeout"),
        verify_ssl=bool(verify_ssl),
        max_retries=_retry_count(retries),
        max_response_bytes=_byte_count(max_response_bytes, MAX_JSON_BYTES, "max_response_bytes"),
        max_file_bytes=_byte_count(max_file_bytes, MAX_FILE_BYTES, "max_file_bytes"),
    )


def checked_api_key(key: str | None) -> str | None:
    """The key without the whitespace around it (a key read from a file ends in a newline).

    Empty means no key. Anything an HTTP header cannot carry is refused with a message that
    names the problem and its position, never the key itself.
    """
    if key is None:
        return None
    if not isinstance(key, str):
        raise ValueError(f"api_key must be a string, not {type(key).__name__}")
    key = key.strip()
    for position, character in enumerate(key, start=1):
        if not "!" <= character <= "~":
            what = "a space" if character == " " else f"the character U+{ord(character):04X}"
            raise ValueError(
                f"api_key has {what} at position {position}; an API key is sent in an HTTP "
                "header and may only hold visible ASCII characters"
            )
    return key or None


def with_policy(settings: Settings, timeout: float | None, max_retries: int | None) -> Settings:
    """`settings` with another timeout and retry count (None keeps the current one)."""
    return dataclasses.replace(
        settings,
        timeout=settings.timeout if timeout is None else _positive_seconds(timeout, "timeout"),
        max_retries=settings.max_retries if max_retries is None else _retry_count(max_retries),
    )


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {text!r}") from None


def _env_boolean(name: str, *, default: bool) -> bool:
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text not in BOOLEAN_WORDS:
        raise ValueError(f"{name} must be one of 0, 1, true, false, yes, no; got {text!r}")
    return BOOLEAN_WORDS[text]


def _positive_seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number of seconds above 0, got {value!r}")
    return float(value)


def _byte_count(value: object, default: int, name: str) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of bytes of at least 1, got {value!r}")
    return value


def _retry_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be a whole number of at least 0, got {value!r}")
    return value
