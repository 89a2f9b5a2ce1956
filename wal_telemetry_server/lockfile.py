"""`<database>.lock`: one server per database, in the manner of PostgreSQL's `postmaster.pid`.

The file names the holder (PID, database, start time) for the operator; an exclusive `flock` on
it is the lock itself, so the kernel releases it when the holder dies, even by `kill -9`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from wal_telemetry_server.errors import StartupError


def lock_path(db_path: Path) -> Path:
    """The lock file beside a database file."""
    return db_path.with_name(f"{db_path.name}.lock")


class DatabaseLock:
    """Held from start to stop; `acquire` refuses with the other server's PID when it is taken."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock and write our PID into the file, or raise `StartupError`."""
        while self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StartupError(
                    f"cannot create the lock file {self.path} of the database {self.db_path}:"
                    f" {exc.strerror}"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                os.close(fd)
                raise StartupError(
                    f"the database {self.db_path} is in use by another server (PID {holder};"
                    f" lock file {self.path}); stop that server or choose another --db"
                ) from None
            if self._is_current(fd):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n{self.db_path}\n{int(time.time())}\n".encode())
                self._fd = fd
            else:  # the previous holder removed the file between our open and our lock
                os.close(fd)

    def _is_current(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            return False

    @staticmethod
    def _holder(fd: int) -> str:
        data = os.pread(fd, 64, 0).decode(errors="replace").split("\n", 1)[0].strip()
        return data if data.isdigit() else "unknown"

    def release(self) -> None:
        """Remove the file, then let go of the lock."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(fd)
