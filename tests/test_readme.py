"""The README's Python snippet and command-line tour run as written against a reference server."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.DOTALL | re.MULTILINE)


@pytest.fixture
def run(wal_telemetry_server: Any, tmp_path: Path) -> Any:
    """Run a command in an empty folder, pointed at the test server, with the venv on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        "WAL_TELEMETRY_API_URL": wal_telemetry_server.url,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }

    def invoke(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
        )

    return invoke


def test_the_readme_has_one_python_snippet_and_a_command_line_tour() -> None:
    assert len(blocks("python")) == 1
    assert len(blocks("python")[0].strip().splitlines()) <= 12
    assert len(blocks("sh")) == 1


def test_python_snippet_runs(run: Any, tmp_path: Path) -> None:
    done = run(sys.executable, "-c", blocks("python")[0])
    assert done.returncode == 0, done.stderr
    assert "latency" in done.stdout and (tmp_path / "latency.png").is_file()


@pytest.mark.parametrize("command", blocks("sh")[0].strip().splitlines())
def test_command_line_tour_runs(command: str, run: Any) -> None:
    done = run("bash", "-c", command)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
