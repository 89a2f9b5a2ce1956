"""Running a reference server as a subprocess on a loopback port, for tests and demos.

Only the standard library is imported here, so loading the pytest plugin stays cheap.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

READY = re.compile(r"WAL telemetry server listening on (http://\S+)")
API_KEY_ENV = "WAL_TELEMETRY_SERVER_API_KEY"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


class ServerStartError(RuntimeError):
    """The server process exited or stayed silent instead of announcing its URL."""


class RunningServer:
    """A reference server process: its base URL (no trailing slash), API key, PID and database."""

    def __init__(
        self,
        *,
        db_path: Path,
        api_key: str | None = None,
        demo: bool = True,
        seed: int = 42,
        port: int = 0,
        host: str = "127.0.0.1",
        log_path: Path | None = None,
        args: Sequence[str] = (),
        descriptor_limit: int | None = None,
    ) -> None:
        self.db_path = db_path
        self.api_key = api_key
        self.demo = demo
        self.seed = seed
        self.host = host
        self.port = port
        self.log_path = log_path or db_path.with_suffix(".log")
        self.args = list(args)
        """More command-line options, e.g. `["--header-timeout", "1"]`."""
        self.descriptor_limit = descriptor_limit
        """An RLIMIT_NOFILE (soft and hard) for the process, as a small machine would have."""
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._drain: threading.Thread | None = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        if self._process is None:
            raise RuntimeError("the server is not running")
        return self._process.pid

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """The command line that starts this server."""
        argv = [sys.executable, "-m", "wal_telemetry_server", "--host", self.host]
        argv += ["--port", str(self.port), "--db", str(self.db_path), "--seed", str(self.seed)]
        return argv + (["--demo"] if self.demo else []) + self.args

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the process and wait for its ready line; the port is kept for restarts."""
        if self.running:
            raise RuntimeError("the server is already running")
        env = dict(os.environ)
        env.pop(API_KEY_ENV, None)
        if self.api_key is not None:
            env[API_KEY_ENV] = self.api_key
        with open(self.log_path, "ab") as log:
            process = subprocess.Popen(
                self.command(),
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
                env=env,
                text=True,
                preexec_fn=self._limit_descriptors if self.descriptor_limit else None,
            )
        self._process = process
        assert process.stdout is not None
        try:
            self.url = self._wait_ready(process, process.stdout, timeout)
        except BaseException:
            self.stop()
            raise
        self.port = int(self.url.rsplit(":", 1)[1])
        self._drain = threading.Thread(target=process.stdout.read, daemon=True)
        self._drain.start()

    def _limit_descriptors(self) -> None:
        import resource

        limit = self.descriptor_limit or 0
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    def _wait_ready(self, process: subprocess.Popen[str], out: IO[str], timeout: float) -> str:
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not selector.select(left):
                    continue
                line = out.readline()
                if not line:
                    break
                seen.append(line)
                match = READY.search(line)
                if match:
                    return match.group(1)
        tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        raise ServerStartError(
            f"server did not become ready (exit code {process.poll()}); "
            f"stdout: {''.join(seen)[-500:]!r}; log: {tail}"
        )

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """Send SIGTERM and wait; kill after `timeout` seconds. Returns the exit code."""
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        drain, self._drain = self._drain, None
        if drain is not None:
            drain.join(timeout=5)
        if process.stdout is not None and not (drain and drain.is_alive()):
            process.stdout.close()  # (a reader still blocked means a child kept the pipe open)
        return process.returncode

    def restart(self, timeout: float = START_TIMEOUT) -> None:
        """Stop, then start again on the same port with the same database."""
        self.stop()
        self.start(timeout)

    def __repr__(self) -> str:
        return f"RunningServer(url={self.url!r}, db_path={str(self.db_path)!r})"


@contextmanager
def running_server(
    *,
    api_key: str | None = None,
    demo: bool = True,
    seed: int = 42,
    db_path: str | Path | None = None,
    port: int = 0,
    args: Sequence[str] = (),
    descriptor_limit: int | None = None,
) -> Iterator[RunningServer]:
    """A reference server on 127.0.0.1 for the duration of the block, stopped by PID afterwards.

    Without `db_path` the database lives in a temporary folder removed afterwards; `args` are
    more command-line options.
    """
    tmp = None if db_path is not None else tempfile.mkdtemp(prefix="wal-telemetry-server-")
    path = Path(db_path) if db_path is not None else Path(tmp or ".") / "telemetry.sqlite3"
    server = RunningServer(
        db_path=path,
        api_key=api_key,
        demo=demo,
        seed=seed,
        port=port,
        args=args,
        descriptor_limit=descriptor_limit,
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
