"""Stable, runner-independent hashing of sample ids into splits and shards.

Python's `hash()` is salted per process, so it would differ between Beam workers and runs;
SHA-256 of the id does not (issue 3: "a seeded split from a hash of the sample id").
"""

from __future__ import annotations

import hashlib
import math

from faceschemas.layouts import DatasetLayout

SPLIT_NAMES = ("train", "val", "test")


def unit_hash(text: str, seed: int = 0) -> float:
    """A number in [0, 1) fixed by `text` and `seed`."""
    digest = hashlib.sha256(f"{seed}:{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def seeded_split(sample_id: str, seed: int, fractions: tuple[float, ...]) -> str:
    """train/val/test by a seeded hash of the id, with the given fractions."""
    if len(fractions) != 3 or any(f < 0 for f in fractions) or not math.isclose(sum(fractions), 1.0):
        raise ValueError(f"split fractions must be 3 non-negative numbers summing to 1, got {fractions}")
    u, edge = unit_hash(sample_id, seed), 0.0
    for name, fraction in zip(SPLIT_NAMES, fractions, strict=True):
        edge += fraction
        if u < edge:
            return name
    return SPLIT_NAMES[-1]


def shard_of(sample_id: str, num_shards: int) -> int:
    """The shard index of a sample: a hash of its id, independent of the split seed."""
    digest = hashlib.sha256(sample_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % num_shards


def default_num_shards(count: int, records_per_shard: int = 4096) -> int:
    """Enough shards of about `records_per_shard` records for parallel reading."""
    return max(1, math.ceil(count / records_per_shard))


def shard_name(split: str, index: int, total: int) -> str:
    """`<split>-NNNNN-of-MMMMM.tfrecord` (DESIGN.md, Outputs)."""
    return DatasetLayout.shard_name(split, index, total)
