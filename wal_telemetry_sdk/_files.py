"""Safe names, safe writes and showing files: no path built from an unchecked id, no file left
half-written, no browser failure raised."""

import contextlib
import logging
import os
import re
import secrets
from typing import Any

from wal_telemetry_api_client.types import Response

from wal_telemetry_sdk.models import FileResult

logger = logging.getLogger("wal_telemetry_sdk")

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
    detailed: Response[Any], url: str, save_path: str | os.PathLike[str] | None
) -> FileResult:
    """A downloaded file, written atomically to `save_path` when one is given."""
    content = detailed.content
    saved = save_atomically(save_path, content) if save_path is not None else None
    content_type = detailed.headers.get("content-type")
    return FileResult(url=url, content=content, content_type=content_type, saved_path=saved)


def open_in_browser(url: str) -> bool:
    """Open `url` with `webbrowser`; a failure is logged, as in the seed, not raised."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except Exception as error:
        logger.warning("Could not open %s in a browser: %r", url, error)
        return False
