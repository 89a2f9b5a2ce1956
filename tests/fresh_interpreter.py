"""What a fresh interpreter has imported after running some code: start-up cost checked by the
modules it loads, never by the clock."""

import subprocess
import sys

MARK = "--- modules ---"


def loaded_after(code: str) -> set[str]:
    """The names in `sys.modules` once `code` has run in a new interpreter."""
    report = f"import sys; print({MARK!r}, *sorted(sys.modules))"
    run = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    )
    return set(run.stdout.rpartition(MARK)[2].split())


def top_level(modules: set[str]) -> set[str]:
    """The top-level packages of `modules`."""
    return {name.split(".")[0] for name in modules}
