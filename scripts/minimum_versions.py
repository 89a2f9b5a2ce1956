"""Print the declared floor of every core dependency as a pin (`httpx==0.25.1`), one per line.

`make test-min-deps` installs exactly these in a separate venv and runs the unit tests there, so
a floor in pyproject.toml is a version that was really tested.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[[^]]*\])?\s*.*?>=\s*([0-9][^,;\s]*)")


def pins(pyproject: Path) -> list[str]:
    """`name==floor` for each core dependency; a dependency without a floor is an error."""
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    result = []
    for requirement in dependencies:
        match = FLOOR.match(requirement)
        if match is None:
            raise SystemExit(f"{requirement!r} declares no minimum version (>=)")
        result.append(f"{match.group(1)}=={match.group(2)}")
    return result


if __name__ == "__main__":
    print("\n".join(pins(ROOT / "pyproject.toml")))
    sys.exit(0)
