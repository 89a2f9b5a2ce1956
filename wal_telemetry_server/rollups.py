"""Per-minute, 5-minute, 10-minute and hour rollups of operation samples, kept in step with writes.

Each rollup row holds, for one span of time and one `(operation_type, backend, status)`, the
count, latency sum/min/max, first and last timestamp, retries and a `LogHistogram` of
latencies. A time range is answered from the coarsest rows that fit inside it (`cover`), plus
the raw samples of the partial minutes at its edges, so a day costs about as much as an hour.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from wal_telemetry_server.sketch import GAMMA, LogHistogram, bucket_of, encode_buckets

SPANS = (60, 300, 600, 3600)
"""Rollup spans in seconds, finest first; each divides the next, and rows start on multiples."""
LAYOUT = f"spans {SPANS}, histogram buckets of {GAMMA!r}"
"""What the stored rollups were built with: a database built otherwise is rebuilt on opening."""
EDGE = -(2**53 // SPANS[-1]) * SPANS[-1], (2**53 // SPANS[-1]) * SPANS[-1]
"""The widest time range read (any finer would not fit SQLite's integers): open or farther ends
are clamped to it. Whole multiples of every span."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS operation_rollups (
    span INTEGER NOT NULL,
    start INTEGER NOT NULL,
    operation_type TEXT NOT NULL,
    backend TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    latency_sum REAL NOT NULL,
    latency_min REAL NOT NULL,
    latency_max REAL NOT NULL,
    first_ts REAL NOT NULL,
    last_ts REAL NOT NULL,
    retries INTEGER NOT NULL,
    histogram BLOB NOT NULL,
    PRIMARY KEY (span, start, operation_type, backend, status)
);
CREATE TABLE IF NOT EXISTS rollup_layout (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    layout TEXT NOT NULL
);
-- Every column but the histogram, so counts and sums never read the histograms.
CREATE INDEX IF NOT EXISTS operation_rollups_stats ON operation_rollups (span, start,
    operation_type, backend, status, count, latency_sum, latency_min, latency_max, first_ts,
    last_ts, retries);
"""

UPSERT = """
INSERT INTO operation_rollups (span, start, operation_type, backend, status, count, latency_sum,
    latency_min, latency_max, first_ts, last_ts, retries, histogram)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (span, start, operation_type, backend, status) DO UPDATE SET
    count = count + excluded.count,
    latency_sum = latency_sum + excluded.latency_sum,
    latency_min = min(latency_min, excluded.latency_min),
    latency_max = max(latency_max, excluded.latency_max),
    first_ts = min(first_ts, excluded.first_ts),
    last_ts = max(last_ts, excluded.last_ts),
    retries = retries + excluded.retries,
    histogram = merge_histograms(histogram, excluded.histogram)
"""

OperationRow = tuple[float, str, str, str, float, int]
"""`(ts, operation_type, backend, status, latency, retries)`, as the operations table holds it."""
RollupKey = tuple[int, int, str, str, str]
"""`(span, start, operation_type, backend, status)`."""


# -- time alignment ------------------------------------------------------------------------


def align_down(t: float, span: int) -> int:
    """The largest multiple of `span` not after `t` (exact, whatever the float rounding)."""
    k = math.floor(t / span)
    if k * span > t:
        k -= 1
    elif (k + 1) * span <= t:
        k += 1
    return k * span


def align_up(t: float, span: int) -> int:
    """The smallest multiple of `span` not before `t`."""
    return -align_down(-t, span)


@dataclass(frozen=True, slots=True)
class Cover:
    """A time range as disjoint pieces: raw `[lo, hi)` edges and whole rollup rows."""

    raw: tuple[tuple[float, float], ...]
    rollups: tuple[tuple[int, int, int], ...]
    """`(span, first start, end)`: the rows of that span starting in `[first start, end)`."""


def cover(lo: float, hi: float, spans: tuple[int, ...] = SPANS) -> Cover:
    """The fewest rollup rows that tile `[lo, hi)`, and the raw edges around them."""
    if not spans:
        return Cover(((lo, hi),), ())
    a, b = align_up(lo, spans[0]), align_down(hi, spans[0])
    if a >= b:
        return Cover(((lo, hi),) if lo < hi else (), ())
    raw = tuple(edge for edge in ((lo, a), (b, hi)) if edge[0] < edge[1])
    rows: list[tuple[int, int, int]] = []

    def tile(a: int, b: int, level: int) -> None:
        span = spans[level]
        if level + 1 < len(spans):
            coarser = spans[level + 1]
            c, d = align_up(a, coarser), align_down(b, coarser)
            if c < d:
                tile(c, d, level + 1)
                rows.extend((span, x, y) for x, y in ((a, c), (d, b)) if x < y)
                return
        rows.append((span, a, b))

    tile(a, b, 0)
    return Cover(raw, tuple(rows))


# -- building rows -------------------------------------------------------------------------


class Partial:
    """The rollup of some samples of one row, before it is merged into the stored row."""

    __slots__ = ("buckets", "count", "first", "high", "last", "low", "retries", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.low = math.inf
        self.high = -math.inf
        self.first = math.inf
        self.last = -math.inf
        self.retries = 0
        self.buckets: Counter[int] = Counter()

    def add(self, ts: float, latency: float, retries: int) -> None:
        self.count += 1
        self.total += latency
        self.low = min(self.low, latency)
        self.high = max(self.high, latency)
        self.first = min(self.first, ts)
        self.last = max(self.last, ts)
        self.retries += retries
        self.buckets[bucket_of(latency)] += 1

    def merge(self, other: Partial) -> None:
        self.count += other.count
        self.total += other.total
        self.low = min(self.low, other.low)
        self.high = max(self.high, other.high)
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)
        self.retries += other.retries
        self.buckets.update(other.buckets)


def rollup(rows: Iterable[OperationRow]) -> dict[RollupKey, Partial]:
    """The rollup rows of every span for some operation samples."""
    minutes: dict[RollupKey, Partial] = {}
    finest = SPANS[0]
    for ts, op, backend, status, latency, retries in rows:
        key = (finest, align_down(ts, finest), op, backend, status)
        partial = minutes.get(key)
        if partial is None:
            partial = minutes[key] = Partial()
        partial.add(ts, latency, retries)
    every = dict(minutes)
    for span in SPANS[1:]:
        for (_, start, op, backend, status), partial in minutes.items():
            key = (span, start - start % span, op, backend, status)
            if key not in every:
                every[key] = Partial()
            every[key].merge(partial)
    return every


def _merge_blobs(stored: bytes, new: bytes) -> bytes:
    merged = LogHistogram.decode(stored)
    merged.merge(LogHistogram.decode(new))
    return merged.encode()


def prepare(conn: sqlite3.Connection) -> None:
    """Create the rollup table and the SQL function the writer merges histograms with."""
    conn.executescript(SCHEMA)
    conn.create_function("merge_histograms", 2, _merge_blobs, deterministic=True)


def write(conn: sqlite3.Connection, rows: Iterable[OperationRow]) -> None:
    """Merge the rollups of new operation samples into the stored rows (inside the caller's
    transaction, so rollups and samples always agree)."""
    conn.executemany(
        UPSERT,
        (
            (*key, p.count, p.total, p.low, p.high, p.first, p.last, p.retries,
             encode_buckets(p.buckets))
            for key, p in rollup(rows).items()
        ),
    )  # fmt: skip


def rebuild(conn: sqlite3.Connection, chunk: int = 200_000) -> None:
    """Recompute every rollup row from the stored samples, in today's `LAYOUT`."""
    conn.execute("DELETE FROM operation_rollups")
    cur = conn.execute(
        "SELECT ts, operation_type, backend, status, latency, retries FROM operations ORDER BY ts"
    )
    while batch := cur.fetchmany(chunk):
        write(conn, batch)
    conn.execute("INSERT OR REPLACE INTO rollup_layout (id, layout) VALUES (0, ?)", (LAYOUT,))


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    """Whether the stored rollups were built in another layout (or before there were any)."""
    row = conn.execute("SELECT layout FROM rollup_layout").fetchone()
    return row is None or row[0] != LAYOUT


def prune_before(t: float) -> int:
    """Where retention may cut so rollups and samples keep agreeing: the hour `t` falls in."""
    return align_down(t, SPANS[-1])


def prune(conn: sqlite3.Connection, before: int) -> None:
    """Delete the rollup rows that end by `before` (a multiple of every span)."""
    conn.execute("DELETE FROM operation_rollups WHERE start < ?", (before,))


# -- reading rows --------------------------------------------------------------------------


def label_clauses(
    operation_type: str | None, backend: str | None, status: str | None
) -> tuple[str, list[object]]:
    """` AND ...` clauses for the label filters of a selection."""
    sql = ""
    args: list[object] = []
    for column, value in (("operation_type", operation_type), ("backend", backend),
                          ("status", status)):  # fmt: skip
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    return sql, args


@dataclass(frozen=True, slots=True)
class Pieces:
    """The covers of several buckets' ranges, each piece tagged with its bucket index."""

    rollups: list[tuple[int, int, int, int]]
    """`(bucket, span, first start, end)`."""
    raw: list[tuple[int, float, float]]
    """`(bucket, lo, hi)`."""


def pieces_of(ranges: Iterable[tuple[int, float, float]], spans: tuple[int, ...] = SPANS) -> Pieces:
    """The cover of each `(bucket, lo, hi)` range."""
    rolled: list[tuple[int, int, int, int]] = []
    raw: list[tuple[int, float, float]] = []
    for bucket, lo, hi in ranges:
        pieces = cover(lo, hi, spans)
        rolled += [(bucket, span, first, end) for span, first, end in pieces.rollups]
        raw += [(bucket, a, b) for a, b in pieces.raw]
    return Pieces(rolled, raw)


PIECES_PER_QUERY = 240
"""Pieces bound into one statement: four parameters each, under the 999 of older SQLite builds."""


def _over_pieces(
    conn: sqlite3.Connection,
    head: str,
    items: Sequence[tuple[float, ...]],
    tail: str,
    args: Sequence[object],
) -> Iterator[tuple[Any, ...]]:
    """Run `head VALUES (...), ... tail` over the pieces, a chunk per statement."""
    if not items:
        return
    row = "(" + ", ".join("?" * len(items[0])) + ")"
    for start in range(0, len(items), PIECES_PER_QUERY):
        chunk = items[start : start + PIECES_PER_QUERY]
        values = ", ".join([row] * len(chunk))
        yield from conn.execute(f"{head}{values}{tail}", [x for p in chunk for x in p] + [*args])


_ROLLUP_JOIN = (
    "WITH piece(pb, pspan, plo, phi) AS (VALUES ",
    "operation_rollups ON span = pspan AND start >= plo AND start < phi",
)
_RAW_JOIN = ("WITH piece(pb, plo, phi) AS (VALUES ", "operations ON ts >= plo AND ts < phi")


def _query(
    conn: sqlite3.Connection,
    join: tuple[str, str],
    items: Sequence[tuple[float, ...]],
    columns: str,
    labels: tuple[str, list[object]],
    group: str,
    column_args: Sequence[object],
) -> Iterator[tuple[Any, ...]]:
    head, table = join
    tail = f") SELECT pb, {columns} FROM piece JOIN {table}{labels[0]}" + (
        f" GROUP BY pb, {group}" if group else ""
    )
    return _over_pieces(conn, head, items, tail, [*column_args, *labels[1]])


def query_rollups(
    conn: sqlite3.Connection,
    pieces: Pieces,
    columns: str,
    labels: tuple[str, list[object]],
    group: str = "",
    column_args: Sequence[object] = (),
) -> Iterator[tuple[Any, ...]]:
    """`SELECT bucket, <columns>` over the rollup rows of every piece (`group` names the
    grouping columns after the bucket; `column_args` are the parameters of `columns`)."""
    return _query(conn, _ROLLUP_JOIN, pieces.rollups, columns, labels, group, column_args)


def query_raw(
    conn: sqlite3.Connection,
    pieces: Pieces,
    columns: str,
    labels: tuple[str, list[object]],
    group: str = "",
    column_args: Sequence[object] = (),
) -> Iterator[tuple[Any, ...]]:
    """`SELECT bucket, <columns>` over the raw samples of every piece's edges."""
    return _query(conn, _RAW_JOIN, pieces.raw, columns, labels, group, column_args)
