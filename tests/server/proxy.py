"""The benchmarks' delay proxy (`bench/delay_proxy.py`), loaded from its file for tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

PATH = Path(__file__).resolve().parents[2] / "bench" / "delay_proxy.py"


def load_proxy() -> ModuleType:
    """The module, freshly loaded (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("delay_proxy", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
