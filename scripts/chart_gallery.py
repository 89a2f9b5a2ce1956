"""Every chart type over the demo's 24 h (14+ series), drawn by the server and by the client.

Writes `<output>/<metric_type>.png` (server-drawn), `<output>/client/<metric_type>.png` (drawn by
the SDK from the same metrics) and `<output>/empty.png` (a selection without data), and fails
unless each is a PNG of the requested size.

    .venv/bin/python scripts/chart_gallery.py [--output demo-output/charts] [--width 12 --height 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_sdk.charts import png_size
from wal_telemetry_sdk.enums import TelemetryMetricType
from wal_telemetry_server.demo import DAY, seed_database
from wal_telemetry_server.testing import running_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("demo-output/charts"))
    parser.add_argument("--width", type=int, default=12)
    parser.add_argument("--height", type=int, default=8)
    args = parser.parse_args()
    (args.output / "client").mkdir(parents=True, exist_ok=True)
    end = float(int(time.time()))
    day = (end - DAY, end)
    size = {"width": args.width, "height": args.height}
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="wal-telemetry-gallery-") as folder:
        db = Path(folder) / "telemetry.sqlite3"
        seed_database(db, seed=42, end=end)
        with (
            running_server(demo=False, db_path=db) as server,
            WALTelemetryClient(base_url=server.url, timeout=120) as client,
        ):
            for metric in TelemetryMetricType:
                for source, path in (
                    ("server", args.output / f"{metric.value}.png"),
                    ("client", args.output / "client" / f"{metric.value}.png"),
                ):
                    client.get_visualization(
                        metric, time_range=day, source=source, save_path=path, **size
                    )
                    written.append(path)
            empty = args.output / "empty.png"
            client.get_visualization(
                TelemetryMetricType.THROUGHPUT, time_range=(0, 3600), save_path=empty, **size
            )
            written.append(empty)
    pixels = (args.width * 100, args.height * 100)
    wrong = [path for path in written if png_size(path.read_bytes()) != pixels]
    for path in wrong:
        print(f"{path}: not a {args.width}x{args.height} in chart", file=sys.stderr)
    print(f"{len(written)} charts in {args.output}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
