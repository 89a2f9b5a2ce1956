"""The nodes an exporter reads, their API keys, and which URLs `/probe` may be asked to read.

API keys come from a config file (`api_key`, `api_key_file` or `api_key_env` per target), else
from `WAL_TELEMETRY_API_KEY`; never from a command-line argument, which any local user can see.
`/probe` reads only configured targets and URLs matching an `allow` pattern: an open `/probe`
would let anyone who reaches the exporter make it send requests anywhere.
"""

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

__all__ = ["AllowPattern", "ProbeRefused", "Target", "TargetSet", "load_config", "normalized_url"]

API_PATH = "/api/v0/wal/telemetry"
DEFAULT_PORTS = {"http": 80, "https": 443}


class ProbeRefused(ValueError):
    """A `/probe` target that is neither configured nor allowed."""


def normalized_url(text: str) -> str:
    """A server root URL in one spelling: lower-case scheme and host, explicit port, no "/" end.

    Raises ValueError for anything but an http(s) server root without credentials or query.
    """
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(f"{text!r} is not a URL: {error}") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{text!r} is not an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{text!r} has credentials in it; give API keys in the config file")
    if parts.query or parts.fragment:
        raise ValueError(f"{text!r} has a query or fragment; give the server's root URL")
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH):
        raise ValueError(f"{text!r} includes {API_PATH}; give the server's root URL")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}:{port or DEFAULT_PORTS[parts.scheme]}{path}"


@attrs.frozen
class Target:
    """One node: its normalized root URL and API key (None: `WAL_TELEMETRY_API_KEY` if set)."""

    url: str = attrs.field(converter=normalized_url)
    api_key: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class AllowPattern:
    """URLs `/probe` may read: `*` stands for any characters within the host or port.

    `http://wal-*.internal:8000` allows `http://wal-7.internal:8000` but no URL with a path,
    credentials or another port.
    """

    pattern: str
    api_key: str | None = attrs.field(default=None, repr=False)
    regex: re.Pattern[str] = attrs.field(init=False, repr=False)

    @regex.default
    def _compile(self) -> re.Pattern[str]:
        scheme, sep, rest = self.pattern.partition("://")
        if scheme not in DEFAULT_PORTS or not sep or not rest or re.search(r"[/@?#]", rest):
            raise ValueError(
                f"allow pattern {self.pattern!r} must look like http://HOST[:PORT] ('*' allowed)"
            )
        if not re.search(r":[0-9*]+$", rest):
            rest += f":{DEFAULT_PORTS[scheme]}"
        body = "[^/:@?#]*".join(re.escape(part) for part in rest.lower().split("*"))
        return re.compile(f"{scheme}://{body}")

    def allows(self, url: str) -> bool:
        """Whether the normalized `url` is a server root this pattern covers."""
        return self.regex.fullmatch(url) is not None


@attrs.frozen
class TargetSet:
    """The configured targets (read on `/metrics`) and the extra URLs `/probe` may read."""

    targets: tuple[Target, ...] = ()
    allow: tuple[AllowPattern, ...] = ()

    def probe_target(self, url: str) -> Target:
        """The target `/probe?target=url` reads; ProbeRefused unless configured or allowed."""
        try:
            wanted = normalized_url(url)
        except ValueError as error:
            raise ProbeRefused(str(error)) from None
        for target in self.targets:
            if target.url == wanted:
                return target
        for pattern in self.allow:
            if pattern.allows(wanted):
                return Target(wanted, pattern.api_key)
        raise ProbeRefused(f"target {url!r} is not configured and matches no allow pattern")


def load_config(
    path: str | os.PathLike[str] | None,
    targets: Iterable[str] = (),
    allow: Iterable[str] = (),
    environ: Mapping[str, str] = os.environ,
) -> tuple[TargetSet, dict[str, Any]]:
    """The targets of a TOML config file plus those given as URLs; and the file's other settings.

    A URL given both ways takes its API key from the file. Raises ValueError naming the file,
    the entry and the problem.
    """
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ValueError(f"cannot read config file {os.fspath(path)}: {error}") from None
    where = os.fspath(path) if path is not None else "config"
    entries = _tables(data.pop("target", []), f"{where}: target")
    patterns = _tables(data.pop("allow", []), f"{where}: allow")
    found: dict[str, Target] = {}
    for url in targets:
        target = Target(url)
        found[target.url] = target
    for name, entry in entries:
        target = Target(_text(entry, "url", name), _api_key(entry, name, environ))
        found[target.url] = target
    allowed = [AllowPattern(pattern) for pattern in allow]
    allowed += [
        AllowPattern(_text(entry, "pattern", name), _api_key(entry, name, environ))
        for name, entry in patterns
    ]
    return TargetSet(tuple(found.values()), tuple(allowed)), data


def _tables(value: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{name} must be an array of tables ([[{name.rsplit(' ', 1)[-1]}]])")
    return [(f"{name} {number}", item) for number, item in enumerate(value, start=1)]


def _text(entry: Mapping[str, Any], key: str, name: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name}: {key} must be a non-empty string")
    return value


KEY_SOURCES = ("api_key", "api_key_file", "api_key_env")


def _api_key(entry: Mapping[str, Any], name: str, environ: Mapping[str, str]) -> str | None:
    unknown = set(entry) - {"url", "pattern", *KEY_SOURCES}
    if unknown:
        raise ValueError(
            f"{name}: unknown setting {', '.join(sorted(unknown))}; "
            f"valid: url or pattern, {', '.join(KEY_SOURCES)}"
        )
    given = [key for key in KEY_SOURCES if key in entry]
    if len(given) > 1:
        raise ValueError(f"{name}: give only one of {', '.join(given)}")
    if not given:
        return None
    source = given[0]
    value = _text(entry, source, name)
    if source == "api_key":
        return value
    if source == "api_key_env":
        if not environ.get(value):
            raise ValueError(f"{name}: environment variable {value} (api_key_env) is not set")
        return environ[value]
    try:
        key = Path(value).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{name}: cannot read api_key_file {value}: {error}") from None
    if not key:
        raise ValueError(f"{name}: api_key_file {value} is empty")
    return key
