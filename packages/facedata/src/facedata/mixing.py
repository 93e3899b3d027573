"""Mixing disjoint datasets into multi-task batches (issue 3, "Readers").

The batch composition is planned in Python as one choice index per sample, then
`choose_from_datasets` follows it and `batch` cuts it: every batch holds every dataset at least
once, no dataset's tail is dropped, and the number of steps per epoch is known in advance.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

RATIOS = ("proportional", "balanced")


def _epoch_counts(sizes: list[int], batch_size: int, ratio: str) -> list[int]:
    """Samples drawn per dataset in one epoch.

    proportional: every sample once, except that a dataset too small to appear in every batch
    cycles up to one sample per step; balanced: every dataset as many as the largest. When the
    last, smaller batch could not hold one sample of each dataset, the smallest datasets give
    one more (cycled) sample each.
    """
    counts = [max(sizes)] * len(sizes) if ratio == "balanced" else list(sizes)
    while True:
        steps = math.ceil(sum(counts) / batch_size)
        grown = [max(n, steps) for n in counts]
        tail = sum(grown) - (steps - 1) * batch_size
        for index in sorted(range(len(sizes)), key=lambda i: (sizes[i], i))[: max(0, len(sizes) - tail)]:
            grown[index] += 1
        if grown == counts:
            return counts
        counts = grown


def _validate(sizes: list[int], batch_size: int, ratio: str) -> None:
    if ratio not in RATIOS:
        raise ValueError(f"unknown ratio {ratio!r}; known: {', '.join(RATIOS)}")
    if batch_size < len(sizes):
        raise ValueError(f"batch size {batch_size} cannot hold one sample of each of {len(sizes)} datasets")
    if not sizes or min(sizes) <= 0:
        raise ValueError(f"every dataset needs at least one sample, got sizes {sizes}")


def plan(sizes: list[int], batch_size: int, ratio: str = "proportional", seed: int = 0) -> np.ndarray:
    """The dataset index of every sample of one epoch, in order (batch i = slice i*B:(i+1)*B)."""
    _validate(sizes, batch_size, ratio)
    remaining = np.array(_epoch_counts(sizes, batch_size, ratio), dtype=np.int64)
    steps = math.ceil(remaining.sum() / batch_size)
    rng, order = np.random.default_rng(seed), []
    for step in range(steps):
        take = _allocate(remaining, min(batch_size, int(remaining.sum())), steps - step)
        remaining -= take
        chosen = np.repeat(np.arange(len(sizes)), take)
        order.append(rng.permutation(chosen))
    return np.concatenate(order)


def _allocate(remaining: np.ndarray, total: int, steps_left: int) -> np.ndarray:
    """Per-dataset counts for one batch: proportional to what is left, each at least 1 and
    leaving at least one sample for every later step."""
    low = np.minimum(remaining, 1)
    high = np.maximum(low, remaining - (steps_left - 1))
    take = low.copy()
    quota = remaining / remaining.sum() * total
    while take.sum() < total:
        room = take < high
        if not room.any():  # tiny batches: keep every batch full rather than shift batch boundaries
            room = take < remaining
        gap = np.where(room, quota - take, -np.inf)
        take[int(np.argmax(gap))] += 1
    return take


def steps_per_epoch(sizes: dict[str, int], batch_size: int, ratio: str = "proportional") -> int:
    """Number of batches `mix` yields per epoch."""
    _validate(list(sizes.values()), batch_size, ratio)
    counts = _epoch_counts(list(sizes.values()), batch_size, ratio)
    return math.ceil(sum(counts) / batch_size)


def mix(datasets: dict[str, tf.data.Dataset], sizes: dict[str, int], batch_size: int,
        ratio: str = "proportional", seed: int = 0) -> tf.data.Dataset:
    """Batches drawn from several unbatched datasets with the same element structure.

    `proportional`: shares follow `sizes`, one epoch = every sample once (last batch may be
    smaller); `balanced`: equal shares, smaller datasets cycle until the largest is seen once.
    The result's cardinality is the number of steps per epoch (`steps_per_epoch`).
    """
    if set(datasets) != set(sizes):
        raise ValueError(f"datasets {sorted(datasets)} and sizes {sorted(sizes)} name different datasets")
    names = sorted(datasets)
    _validate([sizes[n] for n in names], batch_size, ratio)
    counts = _epoch_counts([sizes[n] for n in names], batch_size, ratio)
    sources = [datasets[n].repeat() if c > sizes[n] else datasets[n] for n, c in zip(names, counts, strict=True)]
    order = plan([sizes[n] for n in names], batch_size, ratio, seed)
    mixed = tf.data.Dataset.choose_from_datasets(sources, tf.data.Dataset.from_tensor_slices(order))
    steps = math.ceil(len(order) / batch_size)
    return mixed.batch(batch_size).apply(tf.data.experimental.assert_cardinality(steps)).prefetch(tf.data.AUTOTUNE)
