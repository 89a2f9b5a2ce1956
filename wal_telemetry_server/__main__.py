"""`wal-telemetry-server`: run the reference server of the WAL telemetry API."""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from wal_telemetry_server.datadir import DATA_DIR_ENV, default_data_dir
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
        "--reports-dir", type=Path, default=None, help="folder for reports (default: next to --db)"
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
        default=os.environ.get(API_KEY_ENV) or None,
        help=f"require this key as 'Authorization: Bearer <key>' (default: ${API_KEY_ENV})",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["debug", "info", "warning", "error"]
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and serve until interrupted."""
    args = parse_args(argv)
    if args.db is None:  # everything the server writes goes into its data folder
        data_dir = (args.data_dir or default_data_dir()).expanduser()
        data_dir.mkdir(parents=True, exist_ok=True)
        args.db = str(data_dir / DEFAULT_DB)
    from wal_telemetry_server.server import serve
    from wal_telemetry_server.service import ServerOptions

    options = ServerOptions(
        db_path=args.db,
        reports_dir=args.reports_dir,
        api_key=args.api_key,
        demo=args.demo or args.demo_samples is not None,
        seed=args.seed,
    )
    if args.demo_samples is not None:
        rate = args.demo_samples / SAMPLES_PER_OPERATION / 86_400
        options = dataclasses.replace(options, history_rate=rate)
    return serve(options, args.host, args.port, args.log_level)


if __name__ == "__main__":
    raise SystemExit(main())
