"""Safe names and safe writes: no path built from an unchecked id, no file left half-written."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded with the first download: the command line saves files without httpx
    import httpx

    from wal_telemetry_sdk.models import FileResult


REPORT_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,127}")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
FORBIDDEN = ("..", "/", "\\", "\x00", "%")


def checked_report_id(report_id: str) -> str:
    """`report_id` if it is one safe path segment (the spec's pattern), else `ValueError`."""
    return _checked(report_id, REPORT_ID, "report_id", "letters, digits, '_' and '-'")


def checked_file_name(file_name: str) -> str:
    """`file_name` if it is one safe path segment (the spec's pattern), else `ValueError`."""
    return _checked(file_name, FILE_NAME, "file_name", "letters, digits, '_', '-' and '.'")


def _checked(value: object, pattern: re.Pattern[str], name: str, allowed: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")
    if pattern.fullmatch(value) and ".." not in value:
        return value
    found = [part for part in FORBIDDEN if part in value]
    why = f"contains {found[0]!r}" if found else f"may only use {allowed}, 1-128 characters"
    raise ValueError(
        f"Invalid {name} {value!r}: {why}; it must be a single path segment "
        "(no '..', '/', '\\', NUL or percent-encoding)"
    )


def save_atomically(path: str | os.PathLike[str], content: bytes) -> str:
    """Write `content` to `path` through a temporary file and a rename; returns the path written."""
    target = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.part")
    try:
        with open(temporary, "xb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


def file_result(
    response: httpx.Response, name: str, url: str, save_path: str | os.PathLike[str] | None
) -> FileResult:
    """A downloaded file, checked against what it claims to be, then written atomically to
    `save_path` when one is given (nothing is written for a file that is not what it claims)."""
    from wal_telemetry_sdk._bodies import checked_file
    from wal_telemetry_sdk.models import FileResult

    content = response.content
    content_type = response.headers.get("content-type")
    checked_file(name, content, content_type)
    saved = save_atomically(save_path, content) if save_path is not None else None
    return FileResult(url=url, content=content, content_type=content_type, saved_path=saved)


def save_folder(files: Mapping[str, bytes], directory: str | os.PathLike[str]) -> list[Path]:
    """Write `files` into `directory` all or nothing: a sibling temporary folder, then renames.

    A new `directory` appears complete in one rename; in an existing one each file is replaced
    atomically, and nothing is written unless every file was downloaded.
    """
    target = Path(directory).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
    staging.mkdir()
    try:
        for name, content in files.items():
            save_atomically(staging / name, content)
        if not target.exists():
            os.replace(staging, target)
        else:
            for name in files:
                os.replace(staging / name, target / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
    return sorted(target / name for name in files)
