"""A loopback TCP proxy that adds latency only, so benchmarks see a network rather than loopback.

Every byte is held for `one_way` seconds in each direction, and the first bytes of a new
connection wait one more round trip, as a TCP handshake would make them: a request on a fresh
connection costs two round trips, one on a kept-alive connection costs one. Bandwidth is not
limited. Buffers, chunk sizes and the number of connections are bounded; `stop()` closes
everything. It runs its own event loop in a thread, so sync and async code can both use it.

    python bench/delay_proxy.py --target 127.0.0.1:8000 --rtt 20 [--port 9000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import threading
import time
from types import TracebackType

CHUNK = 64 * 1024
QUEUED_CHUNKS = 64
"""Chunks held per direction (4 MiB); a fuller queue stops reading from that side."""
MAX_CONNECTIONS = 1024


class DelayProxy:
    """Forwards `127.0.0.1:<port>` to `target`, adding `rtt / 2` seconds each way."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        rtt: float,
        *,
        port: int = 0,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if rtt < 0:
            raise ValueError(f"rtt must be at least 0 seconds, not {rtt}")
        self.target = (target_host, target_port)
        self.one_way = rtt / 2
        self.max_connections = max_connections
        self.accepted = 0
        """Connections accepted so far: a new one means a client did not reuse a connection."""
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>`, for HTTP clients."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DelayProxy:
        """Listen (port 0 picks a free one) and forward until `stop()`."""
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        future.result(timeout=10)
        return self

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop listening, close every connection and end the thread."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(TimeoutError):
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def __enter__(self) -> DelayProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._tasks) >= self.max_connections:
            writer.close()
            return
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        opened = time.monotonic()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return
        try:
            # Client bytes wait out the handshake's round trip, then the one-way delay.
            handshake = opened + 2 * self.one_way
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(self._pump(reader, up_writer, handshake))
                    group.create_task(self._pump(up_reader, writer, opened))
            except* OSError:
                pass  # a side reset the connection: close both
        except asyncio.CancelledError:
            pass  # stop() ends every connection
        finally:
            for side in (writer, up_writer):
                side.close()
            self._tasks.discard(task)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, not_before: float
    ) -> None:
        """Copy `source` to `sink`, each chunk delivered `one_way` seconds after it arrived."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(QUEUED_CHUNKS)

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if not data:
                    if sink.can_write_eof():
                        sink.write_eof()
                    return
                sink.write(data)
                await sink.drain()

        delivery = asyncio.create_task(deliver())
        try:
            while True:
                data = await source.read(CHUNK)
                due = max(time.monotonic(), not_before) + self.one_way
                await queue.put((due, data))
                if not data:
                    break
            await delivery
        finally:
            delivery.cancel()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port to forward to")
    parser.add_argument("--rtt", type=float, required=True, help="round-trip time to add, in ms")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    options = parser.parse_args()
    host, _, port = options.target.rpartition(":")
    if not host or not port.isdigit():
        parser.error(f"--target must look like 127.0.0.1:8000, not {options.target!r}")
    if options.rtt < 0:
        parser.error("--rtt must be at least 0")
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    with DelayProxy(host, int(port), options.rtt / 1000, port=options.port) as proxy:
        print(f"delaying {proxy.url} -> {options.target} by {options.rtt:g} ms RTT", flush=True)
        stopped.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
