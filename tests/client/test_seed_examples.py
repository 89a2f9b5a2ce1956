"""Every code example of the seed document runs against the reference server.

Only the import line changes (`ipfs_kit_py.wal_telemetry_client` becomes `wal_telemetry_sdk`),
`http://localhost:8000` becomes the test server's URL, and `monitor_realtime` gets a shorter
interval and duration. Names the reference sections take for granted (`client`, `start_time`,
`end_time`, the imports of the first example) come from a preamble. Each example runs in a
fresh namespace, in a temporary working folder, with `webbrowser.open` recording instead of
opening anything.
"""

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_server.service import default_reports_dir
from wal_telemetry_server.testing import RunningServer, running_server

# A verbatim copy, kept as .txt: ruff formats Markdown code blocks, and these must stay as written.
SEED = Path(__file__).resolve().parent / "seed" / "wal-telemetry-client.md.txt"
ORIGINAL = Path("/work/shared/seed/wal-telemetry-client.md")  # where the copy came from
SEED_IMPORT = re.compile(r"^from ipfs_kit_py\.wal_telemetry_client import (.+)$", re.MULTILINE)
PREAMBLE = """\
import time
from wal_telemetry_sdk import WALTelemetryClient, TelemetryMetricType
end_time = time.time()
start_time = end_time - 3600
client = WALTelemetryClient(base_url="http://localhost:8000")
"""


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", SEED.read_text(), flags=re.DOTALL)


def adapted(code: str, url: str) -> str:
    """The example with only the agreed changes."""
    code = SEED_IMPORT.sub(r"from wal_telemetry_sdk import \1", code)
    code = code.replace("interval=5,", "interval=0.1,").replace("duration=60", "duration=0.3")
    return code.replace("http://localhost:8000", url)


EXAMPLES = len(examples())


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """A server of its own (the examples change settings other tests rely on), holding the
    report the `get_report_file` example names: a real report copied to the id `report_123`."""
    with running_server(demo=True, seed=42) as server, WALTelemetryClient(server.url) as client:
        poller = client.begin_generate_report()
        poller.result(timeout=120)
        reports = default_reports_dir(server.db_path)
        shutil.copytree(reports / poller.report_id, reports / "report_123")
        with sqlite3.connect(server.db_path) as db:  # the server serves only reports it stored
            columns = "status, created_at, completed_at, start_time, end_time, error, files"
            db.execute(
                f"INSERT INTO reports (id, {columns}) SELECT 'report_123', {columns}"
                " FROM reports WHERE id = ?",
                (poller.report_id,),
            )
        yield server


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: urls.append(url) or True)
    monkeypatch.setenv("BROWSER", "true")
    monkeypatch.chdir(tmp_path)
    return urls


def test_the_seed_copy_is_unchanged_and_has_the_expected_examples() -> None:
    if ORIGINAL.exists():
        assert SEED.read_text() == ORIGINAL.read_text()
    found = examples()
    assert len(found) == EXAMPLES == 12
    assert sum("monitor_realtime(" in code for code in found) == 1
    assert all("import" in code or "client" in code for code in found)


@pytest.mark.parametrize("index", range(EXAMPLES))
def test_seed_example_runs(
    index: int,
    server: RunningServer,
    opened: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    code = examples()[index]
    namespace: dict[str, Any] = {"__name__": f"seed_example_{index}"}
    exec(adapted(PREAMBLE, server.url), namespace)
    try:
        exec(compile(adapted(code, server.url), f"seed-example-{index}", "exec"), namespace)
    finally:
        namespace["client"].close()
    output = capsys.readouterr().out
    if 'print(f"Current operation latency' in code:
        assert re.search(r"Current operation latency: [0-9.]+ ms", output)
        assert re.search(r"Success rate: [0-9.]+%", output)
        assert len(opened) == 2  # the report and the chart
    if "monitor_realtime(" in code:
        assert re.findall(r"Iteration (\d+): Latency = [0-9.]+ ms", output) == ["0", "1", "2"]
    if 'save_path="latency.png"' in code:
        assert (tmp_path / "latency.png").read_bytes().startswith(b"\x89PNG")
    if "except requests.RequestException" in code:
        assert output == ""  # the call worked, so no handler printed anything
