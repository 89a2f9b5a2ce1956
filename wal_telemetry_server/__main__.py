"""`wal-telemetry-server`: run the reference server of the WAL telemetry API."""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from wal_telemetry_server.connections import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    ConnectionLimits,
)
from wal_telemetry_server.datadir import DATA_DIR_ENV, default_data_dir
from wal_telemetry_server.reports import DEFAULT_MAX_REPORTS
from wal_telemetry_server.security import API_KEY_ENV

DEFAULT_DB = "wal-telemetry.sqlite3"


MAX_DEMO_SAMPLES = 100_000_000
SAMPLES_PER_OPERATION = 2
"""Each simulated operation is recorded after its append to the WAL's own storage."""


def _sample_count(text: str) -> int:
    try:
        count = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= count <= MAX_DEMO_SAMPLES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DEMO_SAMPLES}, not {count}")
    return count


def positive_seconds(text: str) -> float:
    """A duration in seconds, finite and above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < 86_400:
        raise argparse.ArgumentTypeError(f"must be above 0 and below 86400, not {text}")
    return value


def positive_count(text: str) -> int:
    """A whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, with the API key falling back to the environment."""
    parser = argparse.ArgumentParser(
        prog="wal-telemetry-server",
        description="Reference server of the WAL telemetry API (/api/v0/wal/telemetry).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to listen on; 0 picks a free one"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder of the database and its reports (default ${DATA_DIR_ENV}, else "
        f"{default_data_dir()})",
    )
    parser.add_argument(
        "--db",
        default=None,
        help=f"SQLite database file, or :memory: (default DATA_DIR/{DEFAULT_DB})",
    )
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=None,
        help="folder for generated reports, fixed while the server runs (default: <db>-reports)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="seed 24 h of history and keep simulating operations"
    )
    parser.add_argument(
        "--demo-samples",
        type=_sample_count,
        default=None,
        metavar="N",
        help="like --demo, with about N operation samples in the 24 h of history (seeded only"
        " into an empty database; a million take about half a minute)",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo workload")
    parser.add_argument(
        "--api-key",
        default=None,
        help=f"require this key as 'Authorization: Bearer <key>' (default: ${API_KEY_ENV})",
    )
    parser.add_argument(
        "--max-reports",
        type=positive_count,
        default=DEFAULT_MAX_REPORTS,
        metavar="N",
        help="keep at most N reports (and none past retention_days), deleting the oldest first"
        f" (default {DEFAULT_MAX_REPORTS})",
    )
    parser.add_argument(
        "--header-timeout",
        type=positive_seconds,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="SECONDS",
        help="close a connection whose request headers take longer, with 408"
        f" (default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    parser.add_argument(
        "--idle-timeout",
        type=positive_count,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"close a kept-alive connection idle this long (default {DEFAULT_IDLE_TIMEOUT})",
    )
    parser.add_argument(
        "--max-connections",
        type=positive_count,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help="answer 503 to connections beyond N, or beyond what the descriptor limit allows"
        f" (default {DEFAULT_MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["debug", "info", "warning", "error"]
    )
    return parser.parse_args(argv)


def fail(message: str) -> int:
    """Print one line naming the problem and return the exit code of a refused start."""
    print(f"wal-telemetry-server: error: {message}", file=sys.stderr, flush=True)
    return 2


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_key(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The API key (option, then environment) and the problem with it, if any."""
    if args.api_key is not None:
        source, key = "--api-key", args.api_key
    elif API_KEY_ENV in os.environ:
        source, key = API_KEY_ENV, os.environ[API_KEY_ENV]
    else:
        return None, None
    if not key.strip():
        problem = f"{source} is empty; give a key, or leave it unset to run without authentication"
        return None, problem
    return key, None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and serve until interrupted."""
    args = parse_args(argv)
    if args.db is None:  # everything the server writes goes into its data folder
        data_dir = (args.data_dir or default_data_dir()).expanduser()
        data_dir.mkdir(parents=True, exist_ok=True)
        args.db = str(data_dir / DEFAULT_DB)
    key, problem = api_key(args)
    if problem:
        return fail(problem)
    if key is None and not is_loopback(args.host):
        print(
            f"wal-telemetry-server: WARNING: listening on {args.host} without an API key: anyone"
            " who can reach it can read the telemetry and change the settings; set --api-key"
            f" or {API_KEY_ENV}",
            file=sys.stderr,
            flush=True,
        )
    from wal_telemetry_server.errors import StartupError
    from wal_telemetry_server.server import serve
    from wal_telemetry_server.service import ServerOptions

    options = ServerOptions(
        db_path=args.db,
        reports_dir=args.reports_dir,
        api_key=key,
        demo=args.demo or args.demo_samples is not None,
        seed=args.seed,
        max_reports=args.max_reports,
    )
    if args.demo_samples is not None:
        rate = args.demo_samples / SAMPLES_PER_OPERATION / 86_400
        options = dataclasses.replace(options, history_rate=rate)
    try:
        limits = ConnectionLimits(args.header_timeout, args.idle_timeout, args.max_connections)
        return serve(options, args.host, args.port, args.log_level, limits)
    except StartupError as exc:
        return fail(str(exc))


if __name__ == "__main__":
    raise SystemExit(main())
