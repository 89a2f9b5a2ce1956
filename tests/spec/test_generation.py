"""Generation is deterministic, isolated from outside ruff settings, and drift is detected."""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMMITTED = ROOT / "generated" / "wal_telemetry_api_client"


def generate(spec: Path, workdir: Path) -> Path:
    """Generate the client from `spec` into `workdir`, exactly as `make generate` does."""
    out = workdir / "wal_telemetry_api_client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            spec,
            "--config",
            ROOT / "generator-config.yaml",
            "--meta",
            "none",
            "--output-path",
            out,
            "--fail-on-warning",
            "--custom-template-path",
            ROOT / "generator-templates",
        ],
        check=True,
        cwd=workdir,
        env=env,
        capture_output=True,
    )
    (out / "py.typed").touch()
    return out


def differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return found


def test_generation_matches_committed_tree_even_under_a_hostile_ruff_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 60\n")
    assert differences(generate(ROOT / "openapi.yaml", tmp_path), COMMITTED) == []
    assert not list(tmp_path.rglob(".ruff_cache"))


def test_a_description_edit_without_regenerating_is_drift(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    text = (ROOT / "openapi.yaml").read_text()
    edited = text.replace("summary: Get telemetry metrics", "summary: Get the telemetry metrics", 1)
    assert edited != text
    spec.write_text(edited)
    shutil.copy(ROOT / "generator-config.yaml", tmp_path)
    assert "api/metrics/get_metrics.py" in differences(generate(spec, tmp_path), COMMITTED)
