"""TypeScript client vs raw `fetch` + `JSON.parse`: getRealtimeMetrics calls per second.

Starts a reference server on loopback (as `bench_client.py` does, TCP_NODELAY unless
`--server-as-shipped`) and runs `bench_ts_client.mjs` against it with Node. Needs the compiled
client (`make ts-build`; `make bench` builds it).

Usage: python bench/bench_ts_client.py [--rounds N] [--calls N] [--server-as-shipped]
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from bench_client import reference_server

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (median kept)")
    parser.add_argument("--calls", type=int, default=200, help="calls per measurement")
    parser.add_argument("--server-as-shipped", action="store_true", help="no TCP_NODELAY")
    options = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        print("node is not on PATH")
        return 1
    with reference_server(options.server_as_shipped) as url:
        script = HERE / "bench_ts_client.mjs"
        command = [node, str(script), url, str(options.rounds), str(options.calls)]
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
