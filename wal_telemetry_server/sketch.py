"""A mergeable histogram with logarithmic buckets: percentiles within a relative error bound.

Bucket `k` holds the values in `(GAMMA**(k-1), GAMMA**k]` and stands for `2 GAMMA**k / (GAMMA+1)`,
which is within `RELATIVE_ERROR` of every value in it (the DDSketch construction). Merging adds
counts bucket by bucket, so the histograms of minutes add up to the histogram of an hour exactly.
In memory the counts are 32-bit fields of one Python integer, so merging is one big-integer
addition rather than a loop over buckets.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate

from wal_telemetry_server.aggregate import percentile

RELATIVE_ERROR = 0.005
"""Most relative error of an estimated percentile against the exact one over the same samples."""
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
SMALLEST = 1e-9
"""Values below this (one nanosecond) are counted as this value."""
_INV_LOG_GAMMA = 1 / math.log(GAMMA)
_HEADER = struct.Struct("<i")
_FIELD_BITS = 32
FIELD_LIMIT = 2**_FIELD_BITS - 1
"""Most values one packed integer counts, so no field can overflow into the next."""


def bucket_of(value: float) -> int:
    """The bucket holding `value`."""
    return math.ceil(math.log(max(value, SMALLEST)) * _INV_LOG_GAMMA)


def value_of(bucket: int) -> float:
    """The value a bucket stands for: within `RELATIVE_ERROR` of everything in it."""
    return 2 * GAMMA**bucket / (GAMMA + 1)


LOWEST_BUCKET = bucket_of(SMALLEST)


def _pack(offset: int, payload: bytes) -> int:
    """Little-endian 32-bit counts from bucket `offset` as fields of one integer."""
    return int.from_bytes(payload, "little") << (_FIELD_BITS * (offset - LOWEST_BUCKET))


def _unpack(packed: int) -> tuple[int, bytes]:
    """The lowest bucket with a count, and the little-endian counts from there on."""
    if packed == 0:
        return LOWEST_BUCKET, b""
    skipped = ((packed & -packed).bit_length() - 1) // _FIELD_BITS
    rest = packed >> (_FIELD_BITS * skipped)
    size = -(-rest.bit_length() // _FIELD_BITS) * (_FIELD_BITS // 8)
    return LOWEST_BUCKET + skipped, rest.to_bytes(size, "little")


def _counts(payload: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(payload) // 4}I", payload)


class LogHistogram:
    """Counts per logarithmic bucket, mergeable without loss."""

    __slots__ = ("_full", "_packed", "_packed_total", "total")

    def __init__(self, packed: int = 0, total: int = 0) -> None:
        self._packed = packed
        self._packed_total = total
        self._full: list[int] = []
        """Packed integers that reached `FIELD_LIMIT` values, added up bucket by bucket."""
        self.total = total
        """How many values were counted."""

    @classmethod
    def of(cls, values: Iterable[float]) -> LogHistogram:
        """The histogram of some values."""
        return cls.decode(encode_buckets(Counter(map(bucket_of, values))))

    @classmethod
    def decode(cls, blob: bytes, total: int | None = None) -> LogHistogram:
        """A histogram from `encode`'s bytes; `total`, when known, saves counting the values."""
        (offset,) = _HEADER.unpack_from(blob)
        payload = blob[_HEADER.size :]
        return cls(_pack(offset, payload), sum(_counts(payload)) if total is None else total)

    def encode(self) -> bytes:
        """Compact bytes: the lowest bucket used, then 32-bit little-endian counts from there."""
        if not self._full:
            offset, payload = _unpack(self._packed)
            return _HEADER.pack(offset) + payload
        offset, counts = self.counts()
        return _HEADER.pack(offset) + struct.pack(f"<{len(counts)}I", *counts)

    def merge(self, other: LogHistogram) -> None:
        """Add another histogram's counts to this one."""
        self._full.extend(other._full)
        if self._packed_total + other._packed_total > FIELD_LIMIT:
            self._full.append(self._packed)
            self._packed, self._packed_total = 0, 0
        self._packed += other._packed
        self._packed_total += other._packed_total
        self.total += other.total

    def counts(self) -> tuple[int, list[int]]:
        """The lowest bucket used and the count of each bucket from there on."""
        parts = [_unpack(p) for p in (self._packed, *self._full) if p]
        if not parts:
            return LOWEST_BUCKET, []
        offset = min(o for o, _ in parts)
        size = max(o + len(payload) // 4 for o, payload in parts) - offset
        counts = [0] * size
        for o, payload in parts:
            for i, n in enumerate(_counts(payload), o - offset):
                counts[i] += n
        return offset, counts

    def percentile(self, pct: float, minimum: float, maximum: float) -> float:
        """The `pct` percentile as `aggregate.percentile` defines it, within `RELATIVE_ERROR`.

        Each of the two closest ranks is estimated by its bucket's value, kept inside the exact
        `[minimum, maximum]` of the samples (which stand for the first and last rank);
        interpolating two estimates keeps the bound.
        """
        if self.total == 0:
            return 0.0
        if self._full:
            offset, counts = self.counts()
        else:
            offset, payload = _unpack(self._packed)
            counts = list(_counts(payload))
        cumulative = list(accumulate(counts))
        rank = (self.total - 1) * pct / 100.0
        low = math.floor(rank)
        high = min(low + 1, self.total - 1)

        def estimate(r: int) -> float:
            if r == 0:
                return minimum
            if r == self.total - 1:
                return maximum
            bucket = offset + bisect_right(cumulative, r)
            return min(max(value_of(bucket), minimum), maximum)

        return percentile([estimate(low), estimate(high)], (rank - low) * 100.0)


def encode_buckets(counts: dict[int, int]) -> bytes:
    """`LogHistogram.encode`'s bytes for counts per bucket."""
    if not counts:
        return _HEADER.pack(LOWEST_BUCKET)
    low, high = min(counts), max(counts)
    dense = [counts.get(k, 0) for k in range(low, high + 1)]
    return _HEADER.pack(low) + struct.pack(f"<{len(dense)}I", *dense)
