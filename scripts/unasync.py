"""Write the sync twins of the SDK's async modules: `_async/<name>.py` -> `_sync/<name>.py`.

The async code is the one hand-maintained source. Each twin is the same text with `async`/`await`
removed and async names replaced by their sync counterparts (the way httpcore keeps `_async/`
and `_sync/`), then sorted and formatted by ruff. `--check` fails when a committed twin differs
from a fresh rewrite: edited by hand, or stale.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "wal_telemetry_sdk"
MODULES = ("deadline.py", "transport.py", "monitor.py", "poller.py", "client.py")
HEADER = "# Generated from {source} by scripts/unasync.py: do not edit.\n"

# Exact names first, then the general rules; each pattern is matched on word boundaries.
RENAMES = {
    "asyncio_detailed": "sync_detailed",
    "set_async_httpx_client": "set_httpx_client",
    "handle_async_request": "handle_request",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "aclose": "close",
    "aread": "read",
    "aiter_raw": "iter_raw",
    f"{PACKAGE}._async": f"{PACKAGE}._sync",
}
RULES = [
    (re.compile(r"\basync (def|with|for)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\bAsync([A-Z]\w*)"), r"\1"),
    (re.compile(r"\basync_([a-z]\w*)"), r"\1"),
]


def without_awaitable(text: str) -> str:
    """`Awaitable[X]` becomes `X`: what the sync twin returns instead of an awaitable."""
    while (start := text.find("Awaitable[")) != -1:
        depth, end = 0, start + len("Awaitable")
        while True:
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        text = text[:start] + text[start + len("Awaitable[") : end] + text[end + 1 :]
    return text


def unasync(text: str) -> str:
    """The sync rewrite of one async module's text, before formatting."""
    text = without_awaitable(text)
    for old, new in RENAMES.items():
        text = re.sub(rf"(?<!\w){re.escape(old)}\b", new, text)
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def ruff(arguments: list[str], text: str, name: Path) -> str:
    """`text` passed through ruff with the project's settings, as if it were the file `name`."""
    command = [sys.executable, "-m", "ruff", *arguments, "--stdin-filename", str(name), "-"]
    done = subprocess.run(command, input=text, capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1) or not done.stdout:
        raise SystemExit(f"ruff {' '.join(arguments)} failed on {name}:\n{done.stderr}")
    return done.stdout


def twin(source: Path, root: Path) -> str:
    """The committed form of `source`'s sync twin: header, rewrite, imports sorted, formatted."""
    target = root / PACKAGE / "_sync" / source.name
    relative = source.relative_to(root).as_posix()
    text = HEADER.format(source=relative) + unasync(source.read_text())
    text = ruff(["check", "--fix-only", "--select", "I,F401", "--quiet"], text, target)
    return ruff(["format", "--quiet"], text, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a twin is stale or edited")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to work on")
    args = parser.parse_args(argv)
    stale = []
    for name in MODULES:
        source = args.root / PACKAGE / "_async" / name
        target = args.root / PACKAGE / "_sync" / name
        fresh = twin(source, args.root)
        current = target.read_text() if target.exists() else None
        if current == fresh:
            continue
        if args.check:
            stale.append(target.relative_to(args.root).as_posix())
        else:
            target.write_text(fresh)
    if stale:
        print("sync twins differ from a fresh rewrite of their async sources; run 'make generate':")
        print("\n".join(f"  {path}" for path in stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
