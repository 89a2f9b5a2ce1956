"""One exporter scrape of 1, 8 and 32 targets, side by side, through a 20 ms round-trip delay.

A. The targets are reference servers on loopback, each reached through its own delay proxy port
(10 ms added each way). To spare the shared cores, 32 targets are 32 proxy ports in front of a
few real servers (`--servers`, default 4), each server behind 8 ports at most; their CPU is
spent on the same cores as the exporter's. B. The same proxy ports answer a /realtime body
recorded from a reference server themselves, after the same delay, as targets on other
machines would: no server CPU here. One exporter process per target count keeps its
connections from scrape to scrape, as in production.

Per round, each exporter is scraped once (rotating the order). Reported, as medians over
rounds: the scrape's wall time, the slowest target's read inside it (the exporter's own
`wal_telemetry_scrape_duration_seconds`), their ratio, the ratio to the one-target scrape (goal:
32 targets at most 1.5x), and the exporter's CPU time per scrape (from /proc, so the proxies
and servers are not counted). Next to them: one `get_realtime_metrics()` through a proxy.

Usage: python bench/bench_exporter.py [--rounds N] [--servers N] [--delay-ms MS]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from wal_telemetry_sdk import WALTelemetryClient
from wal_telemetry_server.testing import running_server

COUNTS = (1, 8, 32)
REALTIME = "/api/v0/wal/telemetry/realtime"
READY = re.compile(r"listening on (http://\S+)")
SLOWEST = re.compile(r"^wal_telemetry_scrape_duration_seconds(?:\{[^}]*\})? (\S+)$", re.M)
TICKS = os.sysconf("SC_CLK_TCK")


# -- the delay proxy (runs in its own process) ---------------------------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy bytes one way, each chunk sent `delay` seconds after it arrived, in order."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def send() -> None:
        while True:
            due, chunk = await queue.get()
            if not chunk:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    while chunk := await reader.read(65536):
        queue.put_nowait((time.monotonic() + delay, chunk))
    queue.put_nowait((0.0, b""))
    await sender


async def _answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, response: bytes, delay: float
) -> None:
    """Answer every request on a connection with `response`, one round trip after it came."""
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while await reader.readuntil(b"\r\n\r\n"):
            await asyncio.sleep(2 * delay)
            writer.write(response)
            await writer.drain()
    writer.close()


async def _proxy(
    upstreams: list[tuple[str, int]], count: int, delay: float, response: bytes | None
) -> None:
    servers = []
    for index in range(count):
        host, port = upstreams[index % len(upstreams)] if upstreams else ("", 0)

        async def accept(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host=host, port=port
        ) -> None:
            if response is not None:
                await _answer(reader, writer, response, delay)
                return
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            up_reader, up_writer = await asyncio.open_connection(host, port)
            up_writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await asyncio.gather(
                _pipe(reader, up_writer, delay), _pipe(up_reader, writer, delay),
                return_exceptions=True,
            )  # fmt: skip

        servers.append(await asyncio.start_server(accept, "127.0.0.1", 0))
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    print(json.dumps(ports), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


@contextmanager
def delay_proxies(
    upstreams: list[str], count: int, delay: float, answer: Path | None = None
) -> Iterator[list[str]]:
    """`count` loopback URLs, each a proxy port in front of one of `upstreams` (round robin),
    or, with `answer`, answering every request itself with that file's HTTP response."""
    command = [sys.executable, __file__, "--proxy", ",".join(upstreams), "--count", str(count),
               "--delay-ms", str(delay * 1000)]  # fmt: skip
    command += ["--answer", str(answer)] if answer else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ports = json.loads(process.stdout.readline())
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


# -- the exporters -------------------------------------------------------------------------


@contextmanager
def exporter(targets: list[str], folder: Path) -> Iterator[tuple[str, int]]:
    """A `wal-telemetry exporter` process reading `targets`; yields its URL and PID."""
    config = folder / f"exporter-{len(targets)}.toml"
    config.write_text("".join(f'[[target]]\nurl = "{url}"\n' for url in targets))
    command = [sys.executable, "-m", "wal_telemetry_sdk.cli", "exporter",
               "--listen", "127.0.0.1:0", "--config", str(config)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        match = READY.search(process.stdout.readline())
        assert match, "the exporter did not start"
        yield match.group(1), process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def scrape(scraper: httpx.Client, url: str, pid: int) -> tuple[float, float, float]:
    """One /metrics scrape: wall seconds, the slowest target's read, exporter CPU seconds."""
    before = cpu_seconds(pid)
    started = time.perf_counter()
    answer = scraper.get(url + "/metrics")
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pid) - before
    answer.raise_for_status()
    if " 0.0" in "".join(re.findall(r"^wal_telemetry_up.*$", answer.text, re.M)):
        raise RuntimeError("a target was down during the scrape")
    return wall, max(float(value) for value in SLOWEST.findall(answer.text)), cpu


def measure(
    urls: list[str], folder: Path, rounds: int
) -> dict[int, list[tuple[float, float, float]]]:
    """Scrape one exporter per target count, interleaved, after three warm-up rounds."""
    results: dict[int, list[tuple[float, float, float]]] = {n: [] for n in COUNTS}
    with ExitStack() as stack:
        exporters = {n: stack.enter_context(exporter(urls[:n], folder)) for n in COUNTS}
        scraper = stack.enter_context(httpx.Client(timeout=30))  # made once: TLS setup is slow
        for round_ in range(rounds + 3):  # warm-up rounds open the connections
            order = COUNTS[round_ % 3 :] + COUNTS[: round_ % 3]
            for n in order:
                measured = scrape(scraper, *exporters[n])
                if round_ >= 3:
                    results[n].append(measured)
    return results


def direct_read(url: str, rounds: int) -> float:
    """The median time of one `get_realtime_metrics()` on a kept-alive connection."""
    with WALTelemetryClient(url) as client:
        times = []
        for _ in range(rounds + 3):
            started = time.perf_counter()
            client.get_realtime_metrics()
            times.append(time.perf_counter() - started)
    return statistics.median(times[3:])


def report(
    title: str, direct: float, results: dict[int, list[tuple[float, float, float]]]
) -> float:
    """Print one table; returns the 32-target scrape time over the one-target scrape time."""
    one = statistics.median(wall for wall, _, _ in results[1])
    print(f"\n{title}\none get_realtime_metrics() through a proxy: {direct * 1000:.1f} ms")
    print(f"{'targets':>7}  {'scrape ms':>9}  {'slowest target ms':>17}  {'scrape/slowest':>14}  "
          f"{'scrape/1 target':>15}  {'exporter CPU ms':>15}")  # fmt: skip
    for n in COUNTS:
        wall = statistics.median(m[0] for m in results[n])
        slowest = statistics.median(m[1] for m in results[n])
        cpu = statistics.fmean(m[2] for m in results[n])  # /proc ticks are 10 ms: mean, not median
        print(f"{n:>7}  {wall * 1000:>9.1f}  {slowest * 1000:>17.1f}  {wall / slowest:>14.2f}  "
              f"{wall / one:>15.2f}  {cpu * 1000:>15.1f}")  # fmt: skip
    ratio = statistics.median(m[0] for m in results[max(COUNTS)]) / one
    verdict = "met" if ratio <= 1.5 else "NOT met"
    print(f"goal (32 targets in at most 1.5x one target's scrape): {verdict}, {ratio:.2f}x")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--servers", type=int, default=4)
    parser.add_argument("--delay-ms", type=float, default=20.0, help="round-trip delay added")
    parser.add_argument("--proxy", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--answer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    delay = args.delay_ms / 1000
    if args.proxy is not None:  # the proxy process
        hosts = [url.removeprefix("http://").rsplit(":", 1) for url in args.proxy.split(",") if url]
        upstreams = [(host, int(port)) for host, port in hosts]
        response = Path(args.answer).read_bytes() if args.answer else None
        asyncio.run(_proxy(upstreams, args.count, delay / 2, response))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-exporter-") as name:
        folder = Path(name)
        with ExitStack() as stack:
            servers = [
                stack.enter_context(running_server(seed=seed)) for seed in range(args.servers)
            ]
            urls = stack.enter_context(delay_proxies([s.url for s in servers], max(COUNTS), delay))
            direct = direct_read(urls[0], args.rounds)
            shared = measure(urls, folder, args.rounds)
            body = httpx.get(servers[0].url + REALTIME, timeout=30).content
        answer = folder / "realtime.http"
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        answer.write_bytes(f"{head}content-length: {len(body)}\r\n\r\n".encode() + body)
        with delay_proxies([], max(COUNTS), delay, answer) as urls:
            alone = measure(urls, folder, args.rounds)
            direct_alone = direct_read(urls[0], args.rounds)
    print(f"exporter scrapes through a {args.delay_ms:g} ms round-trip delay; medians of "
          f"{args.rounds} interleaved rounds")  # fmt: skip
    report(f"A. {args.servers} reference servers on this machine behind {max(COUNTS)} proxy ports "
           "(their CPU shares the cores with the exporter)", direct, shared)  # fmt: skip
    report(f"B. {max(COUNTS)} proxy ports answering a recorded /realtime body themselves "
           "(targets on other machines: no server CPU here)", direct_alone, alone)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
