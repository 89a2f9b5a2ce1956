"""What a command line user typed, checked in their words (flag names) before or after a call.

Each check raises a `click.UsageError` (exit 2) naming the flag and the valid choices, or turns an
SDK failure into one line about what the user can change.
"""

from __future__ import annotations

import difflib
import functools
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from wal_telemetry_sdk.cli.times import parse_interval
from wal_telemetry_sdk.errors import APIConnectionError, APITimeoutError

if TYPE_CHECKING:  # the client loads when a command runs, not for `--help`
    from wal_telemetry_sdk._sync.client import WALTelemetryClient
    from wal_telemetry_sdk.models import MetricSeries

API_PATH = "/api/v0/wal/telemetry"


@functools.cache
def setting_names() -> list[str]:
    """The settings `config set` takes: the arguments of `update_config`."""
    import inspect

    from wal_telemetry_sdk._sync.client import WALTelemetryClient

    parameters = inspect.signature(WALTelemetryClient.update_config).parameters
    return [name for name in parameters if name != "self"]


def server_root(url: str | None) -> None:
    """`--url` must be the server's root: the client adds the API path itself."""
    if url and API_PATH in urlsplit(url).path:
        root = url[: url.index(API_PATH)] or url
        raise click.BadParameter(
            f"{url} includes the API path {API_PATH}; give the server root, e.g. --url {root}",
            param_hint="'--url' / WAL_TELEMETRY_API_URL",
        )


def ordered(start: float | None, end: float | None) -> None:
    """`--start` must come before `--end`."""
    if start is not None and end is not None and start >= end:
        raise click.BadParameter(
            f"--start ({_utc(start)}) is not before --end ({_utc(end)}); "
            "an age such as 2h is that long ago, so --start 2h --end 1h is the hour before last",
            param_hint="'--start' / '--end'",
        )


def bucket_count(interval: str, start: float | None, end: float | None) -> str | None:
    """Why `--interval` over the range is refused, with the number of buckets it would make."""
    from wal_telemetry_sdk._over_time import MAX_BUCKETS, step_seconds

    try:
        step = step_seconds(parse_interval(interval))
    except ValueError:
        return None
    end = time.time() if end is None else end
    start = end - 86_400 if start is None else start
    count = math.ceil((end - start) / step)
    if count <= MAX_BUCKETS:
        return None
    return (
        f"--interval {interval} over {end - start:,.0f} s makes {count:,} buckets, more than "
        f"{MAX_BUCKETS:,}: use a longer --interval or a shorter --start/--end range"
    )


def setting(key: str) -> str:
    """A `config set` key, or a usage error listing the settings."""
    known = setting_names()
    if key not in known:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise click.BadParameter(
            f"unknown setting {key!r}{hint}; settings: {', '.join(known)}",
            param_hint="KEY=VALUE",
        )
    return key


def known_filters(
    client: WALTelemetryClient,
    series: list[MetricSeries],
    operation_type: str | None,
    backend: str | None,
) -> None:
    """When a filter matched nothing, say whether it names an operation or backend the server
    has ever seen, with the ones it has (one extra request, only on an empty answer)."""
    if any(item.points or item.value for item in series) or not (operation_type or backend):
        return
    from wal_telemetry_sdk.enums import TelemetryAggregation, TelemetryMetricType

    counts = client.get_metrics(
        TelemetryMetricType.OPERATION_COUNT, aggregation=TelemetryAggregation.COUNT
    ).metrics
    seen = {
        "--operation": sorted(counts),
        "--backend": sorted({b for n in counts.values() for b in n}),
    }
    for flag, value in (("--operation", operation_type), ("--backend", backend)):
        known = seen[flag]
        if value is not None and known and value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise click.BadParameter(
                f"the server has no {flag.strip('-')} {value!r}{hint}; known: {', '.join(known)}",
                param_hint=f"'{flag}'",
            )


@contextmanager
def reachable(client: WALTelemetryClient) -> Iterator[WALTelemetryClient]:
    """A connection failure as one line naming the URL that failed and what to check."""
    try:
        yield client
    except APIConnectionError as error:
        raise click.ClickException(describe(error, client)) from None


def describe(error: BaseException, client: WALTelemetryClient) -> str:
    """One line about a failed call: for connection failures, the URL and what to check."""
    if isinstance(error, APITimeoutError):
        return (
            f"{_where(error, client)} did not answer in time; "
            "try a longer --timeout, or check the server"
        )
    if isinstance(error, APIConnectionError):
        return (
            f"cannot connect to {_where(error, client)}{_reason(error)}: is the server running "
            "there? Set --url or WAL_TELEMETRY_API_URL to the server's root URL"
        )
    return f"{type(error).__name__}: {error}"


def _where(error: APIConnectionError, client: WALTelemetryClient) -> str:
    request: Any = error.request
    return str(request.url) if request is not None else client.base_url


def _reason(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    while cause is not None and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__
    text = getattr(cause, "strerror", None) or (str(cause) if cause is not None else "")
    return f" ({text})" if text else ""


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))
