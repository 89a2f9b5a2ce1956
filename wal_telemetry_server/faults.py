"""Recognising a full disk, wherever it shows: SQLite's SQLITE_FULL or the OS's ENOSPC/EDQUOT."""

from __future__ import annotations

import errno
import sqlite3

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
INSUFFICIENT_STORAGE = 507
"""WebDAV's status for a request the server cannot store (RFC 4918, section 11.5)."""


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) says that the disk is full."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.Error):
            if getattr(seen, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
                return True
        elif isinstance(seen, OSError) and seen.errno in DISK_FULL_ERRNOS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe(exc: BaseException) -> str:
    """A one-line reason for a failure, saying plainly when the disk is full."""
    if is_disk_full(exc):
        return f"the server's disk is full ({exc})"
    return f"{type(exc).__name__}: {exc}"
