"""The sync clients are rewritten from the async ones: fresh, never edited by hand."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TWINS = ("client.py", "monitor.py", "poller.py", "transport.py")


def check(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "scripts/unasync.py", "--check", "--root", str(root)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package and the project settings ruff formats the twins with, in a scratch folder."""
    shutil.copytree(ROOT / "wal_telemetry_sdk", tmp_path / "wal_telemetry_sdk")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_committed_twins_match_a_fresh_rewrite() -> None:
    done = check(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_twin_edited_by_hand_fails_the_check(copy: Path) -> None:
    twin = copy / "wal_telemetry_sdk/_sync/client.py"
    twin.write_text(twin.read_text().replace("max_retries", "retries", 1))
    done = check(copy)
    assert done.returncode == 1 and "wal_telemetry_sdk/_sync/client.py" in done.stdout


def test_a_changed_async_source_makes_its_twin_stale(copy: Path) -> None:
    source = copy / "wal_telemetry_sdk/_async/monitor.py"
    source.write_text(source.read_text().replace("ticks so far", "ticks until now"))
    done = check(copy)
    assert done.returncode == 1 and "wal_telemetry_sdk/_sync/monitor.py" in done.stdout
    assert "_sync/client.py" not in done.stdout


@pytest.mark.parametrize("name", TWINS)
def test_twins_say_they_are_generated_and_hold_no_async_code(name: str) -> None:
    text = (ROOT / "wal_telemetry_sdk/_sync" / name).read_text()
    assert text.startswith(f"# Generated from wal_telemetry_sdk/_async/{name} by scripts/unasync")
    for word in ("async ", "await ", "asyncio", "Awaitable", "wal_telemetry_sdk._async"):
        assert word not in text, word
