"""The data the trainer receives by injection, and the tf.data plumbing around it.

A `DataSource` is one prepared dataset (it may label several tasks, e.g. Adience: age and gender).
Its datasets are unbatched, with the element structure of `facedata.load(..., with_ids=True)`:
``(image float32 [H, W, C] in [0, 255], {task: label int32, -1 missing}, {task: mask float32},
sample_id string)``. The trainer never imports facedata: `mtl_tools.wiring` builds these.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

Mixer = Callable[..., tf.data.Dataset]
"""`mixer(datasets: {name: ds}, sizes: {name: int}, batch_size, ratio, seed) -> batched ds`."""


@dataclass
class DataSource:
    """One prepared dataset, its splits and the tasks it labels."""

    name: str
    tasks: tuple[str, ...]
    train: tf.data.Dataset
    train_size: int
    val: tf.data.Dataset | None = None
    test: tf.data.Dataset | None = None
    train_eval: tf.data.Dataset | None = None  # not augmented; targets are computed on it
    shuffle_buffer: int | None = None  # None: min(train_size, 512); 0: the source shuffles itself
    truth: dict[str, dict] | None = None  # sample id -> {"labels": {task: class}}: hidden truth, if any

    def true_labels(self, task: str, ids) -> np.ndarray | None:
        """Hidden true labels of `task` for sample ids (-1 unknown); None without hidden truth."""
        if self.truth is None:
            return None
        keys = [i.decode() if isinstance(i, bytes) else str(i) for i in ids]
        return np.array([self.truth.get(k, {}).get("labels", {}).get(task, -1) for k in keys], np.int64)

    def eval_train(self) -> tf.data.Dataset:
        return self.train_eval if self.train_eval is not None else self.train


def completer(tasks: tuple[str, ...]) -> Callable:
    """A map function giving every element a label (-1) and mask (0) for every model task.

    Datasets of different tasks must share one structure to be mixed or handled by one step.
    """

    def complete(image, labels, masks, sample_id):
        labels = {t: tf.cast(labels[t], tf.int32) if t in labels else tf.constant(-1) for t in tasks}
        masks = {t: tf.cast(masks[t], tf.float32) if t in masks else tf.constant(0.0) for t in tasks}
        if sample_id.dtype != tf.string:
            sample_id = tf.strings.as_string(sample_id)
        return tf.cast(image, tf.float32), labels, masks, sample_id

    return complete


def shuffled(source: DataSource, tasks: tuple[str, ...], seed: int) -> tf.data.Dataset:
    """The source's training data, completed and reshuffled every pass (spec 2.6 [REC])."""
    ds = source.train.map(completer(tasks), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    buffer = min(source.train_size, 512) if source.shuffle_buffer is None else source.shuffle_buffer
    if buffer > 1:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return ds


def training_batches(source: DataSource, tasks: tuple[str, ...], batch_size: int, seed: int) -> tf.data.Dataset:
    """Endless batches, one pass = ceil(N / B) batches (the last one short, no tail dropped)."""
    ds = shuffled(source, tasks, seed).batch(batch_size).repeat()
    return ds.prefetch(tf.data.AUTOTUNE)


def eval_batches(ds: tf.data.Dataset, tasks: tuple[str, ...], batch_size: int) -> tf.data.Dataset:
    """Batches for evaluation, autotune off: short-lived iterators are slow to destroy with it on."""
    ds = ds.map(completer(tasks)).batch(batch_size).prefetch(2)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def passes_steps(size: int, batch_size: int) -> int:
    return max(1, math.ceil(size / batch_size))


def mix_shares(sizes: dict[str, int], batch_size: int, ratio: str) -> dict[str, int]:
    """Images of each dataset per batch: by size ("proportional") or equal ("balanced").

    Every dataset gets at least one image (spec 5.2 [BUG]: the original gave zero and divided by
    zero); largest remainders fill the batch exactly.
    """
    names = list(sizes)
    if batch_size < len(names):
        raise ValueError(f"batch size {batch_size} is smaller than the {len(names)} mixed datasets")
    total = sum(sizes.values())
    raw = {n: batch_size * (sizes[n] / total if ratio == "proportional" else 1 / len(names)) for n in names}
    shares = {n: max(1, int(raw[n])) for n in names}
    order = sorted(names, key=lambda n: raw[n] - int(raw[n]), reverse=True)
    i = 0
    while sum(shares.values()) < batch_size:
        shares[order[i % len(order)]] += 1
        i += 1
    while sum(shares.values()) > batch_size:
        biggest = max(names, key=lambda n: shares[n])
        shares[biggest] -= 1
    return shares


def mix_steps(sizes: dict[str, int], shares: dict[str, int]) -> int:
    """Steps of one mixed epoch: a full pass over every dataset, so no tail is dropped."""
    return max(math.ceil(sizes[n] / shares[n]) for n in sizes)


def interleave_mix(
    datasets: dict[str, tf.data.Dataset], sizes: dict[str, int], batch_size: int, ratio: str, seed: int
) -> tf.data.Dataset:
    """Reference mixer: every batch holds each dataset by its share (endless, reshuffled)."""
    shares = mix_shares(sizes, batch_size, ratio)
    parts = tuple(datasets[n].repeat().batch(shares[n]) for n in datasets)

    def concat(*batches):
        return tf.nest.map_structure(lambda *xs: tf.concat(xs, axis=0), *batches)

    return tf.data.Dataset.zip(parts).map(concat)
