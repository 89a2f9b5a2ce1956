"""A mergeable histogram with logarithmic buckets: percentiles within a relative error bound.

Bucket `k` holds the values in `(GAMMA**(k-1), GAMMA**k]` and stands for `2 GAMMA**k / (GAMMA+1)`,
which is within `RELATIVE_ERROR` of every value in it (the DDSketch construction). Merging adds
counts bucket by bucket, so the histograms of minutes add up to the histogram of an hour exactly.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate
from operator import add

from wal_telemetry_server.aggregate import percentile

RELATIVE_ERROR = 0.005
"""Most relative error of an estimated percentile against the exact one over the same samples."""
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
SMALLEST = 1e-9
"""Values below this (one nanosecond) are counted as this value."""
_INV_LOG_GAMMA = 1 / math.log(GAMMA)
_HEADER = struct.Struct("<i")


def bucket_of(value: float) -> int:
    """The bucket holding `value`."""
    return math.ceil(math.log(max(value, SMALLEST)) * _INV_LOG_GAMMA)


def value_of(bucket: int) -> float:
    """The value a bucket stands for: within `RELATIVE_ERROR` of everything in it."""
    return 2 * GAMMA**bucket / (GAMMA + 1)


class LogHistogram:
    """Counts per logarithmic bucket, stored densely from the lowest bucket used."""

    __slots__ = ("counts", "offset")

    def __init__(self, offset: int = 0, counts: list[int] | None = None) -> None:
        self.offset = offset
        self.counts = counts if counts is not None else []

    @classmethod
    def of(cls, values: Iterable[float]) -> LogHistogram:
        """The histogram of some values."""
        return cls.of_buckets(Counter(map(bucket_of, values)))

    @classmethod
    def of_buckets(cls, counts: dict[int, int]) -> LogHistogram:
        """A histogram from counts per bucket."""
        if not counts:
            return cls()
        low, high = min(counts), max(counts)
        return cls(low, [counts.get(k, 0) for k in range(low, high + 1)])

    @classmethod
    def decode(cls, blob: bytes) -> LogHistogram:
        """A histogram from `encode`'s bytes."""
        (offset,) = _HEADER.unpack_from(blob)
        size = (len(blob) - _HEADER.size) // 4
        return cls(offset, list(struct.unpack_from(f"<{size}I", blob, _HEADER.size)))

    def encode(self) -> bytes:
        """Compact little-endian bytes: the lowest bucket, then each count."""
        return _HEADER.pack(self.offset) + struct.pack(f"<{len(self.counts)}I", *self.counts)

    @property
    def total(self) -> int:
        """How many values were counted."""
        return sum(self.counts)

    def merge(self, other: LogHistogram) -> None:
        """Add another histogram's counts to this one."""
        if not other.counts:
            return
        if not self.counts:
            self.offset, self.counts = other.offset, list(other.counts)
            return
        low = min(self.offset, other.offset)
        high = max(self.offset + len(self.counts), other.offset + len(other.counts))
        if low < self.offset or high > self.offset + len(self.counts):
            grown = [0] * (high - low)
            start = self.offset - low
            grown[start : start + len(self.counts)] = self.counts
            self.offset, self.counts = low, grown
        start = other.offset - self.offset
        end = start + len(other.counts)
        self.counts[start:end] = map(add, self.counts[start:end], other.counts)

    def percentile(self, pct: float, minimum: float, maximum: float) -> float:
        """The `pct` percentile as `aggregate.percentile` defines it, within `RELATIVE_ERROR`.

        Each of the two closest ranks is estimated by its bucket's value, kept inside the exact
        `[minimum, maximum]` of the samples; interpolating two estimates keeps the bound.
        """
        total = self.total
        if total == 0:
            return 0.0
        cumulative = list(accumulate(self.counts))
        rank = (total - 1) * pct / 100.0
        low = math.floor(rank)
        high = min(low + 1, total - 1)

        def estimate(r: int) -> float:
            bucket = self.offset + bisect_right(cumulative, r)
            return min(max(value_of(bucket), minimum), maximum)

        return percentile([estimate(low), estimate(high)], (rank - low) * 100.0)
