"""`load` and `read_manifest`: prepared shards -> tf.data pipelines for training and evaluation."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from facedata.augment import augment
from faceschemas.layouts import DatasetLayout
from faceschemas.manifest import DatasetManifest
from faceschemas.record import IMAGE_ENCODED, RECORD_FEATURES, SAMPLE_ID, label_key, value_key
from faceschemas.tasks import TASKS

AUTOTUNE = tf.data.AUTOTUNE
SHUFFLE_BUFFER = 4096
_DTYPES = {"bytes": tf.string, "int64": tf.int64, "float": tf.float32}


def read_manifest(dataset_dir) -> DatasetManifest:
    """The manifest of a prepared dataset; FileNotFoundError if the folder is not one (or unfinished)."""
    path = Path(dataset_dir) / DatasetLayout.MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{dataset_dir} has no {DatasetLayout.MANIFEST}: not a prepared dataset (or the job did not finish)")
    return DatasetManifest.model_validate_json(path.read_text())


def feature_spec() -> dict[str, tf.io.FixedLenFeature]:
    """Parsing spec of every record key, with its missing-value default."""
    return {f.key: tf.io.FixedLenFeature([], _DTYPES[f.kind], default_value=f.default) for f in RECORD_FEATURES}


def decode_image(encoded: tf.Tensor, stored_channels: int, channels: int, size: int, stored_size: int) -> tf.Tensor:
    """float32 (size, size, channels) in [0, 255] from encoded bytes (channels converted, resized)."""
    image = tf.io.decode_image(encoded, channels=stored_channels, expand_animations=False)
    image = tf.cast(image, tf.float32)
    if channels != stored_channels:
        image = tf.image.grayscale_to_rgb(image) if channels == 3 else tf.image.rgb_to_grayscale(image)
    if size != stored_size:
        image = tf.clip_by_value(tf.image.resize(image, (size, size), antialias=True), 0.0, 255.0)
    return tf.ensure_shape(image, (size, size, channels))


def _parser(manifest: DatasetManifest, tasks, values, size, channels, with_ids):
    spec = feature_spec()
    stored = manifest.image

    def parse(serialized, seed=None):
        f = tf.io.parse_single_example(serialized, spec)
        image = decode_image(f[IMAGE_ENCODED], stored.channels, channels, size, stored.height)
        if seed is not None:
            image = tf.clip_by_value(augment(image, seed), 0.0, 255.0)
        labels = {t: tf.cast(f[label_key(t)], tf.int32) for t in tasks}
        masks = {t: tf.cast(labels[t] >= 0, tf.float32) for t in tasks}
        out = (image, labels, masks)
        if values:
            out += ({v: f[value_key(v)] for v in values},)
        return out + (f[SAMPLE_ID],) if with_ids else out

    return parse


def load(dataset_dir, split, *, tasks=None, batch_size=None, image_size=None, channels=None, training=False,
         shuffle=None, seed=0, deterministic=False, repeat=False, with_ids=False, values=()) -> tf.data.Dataset:
    """A tf.data.Dataset of `(image, {task: label}, {task: mask})` from a prepared dataset.

    image: float32 in [0, 255], shape (H, W, C). Labels are int32 with -1 when missing, masks
    float32 1/0; tasks the dataset does not label come out as -1 / 0, so disjoint datasets share
    one multi-task batch. `values=("age_years", ...)` adds a dict of continuous values (NaN
    missing); `with_ids` appends the sample id. Augmentation only when `training`; shuffling
    defaults to `training`.
    """
    manifest = read_manifest(dataset_dir)
    tasks = tuple(tasks) if tasks is not None else manifest.tasks
    known_values = [v for spec in TASKS.values() for v in spec.continuous_values]
    for name in tasks:
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(TASKS)}")
    for name in values:
        if name not in known_values:
            raise ValueError(f"unknown value {name!r}; known values: {', '.join(known_values)}")
    shuffle = training if shuffle is None else shuffle
    paths = [str(Path(dataset_dir) / p) for p in manifest.shard_paths(split)]
    files = tf.data.Dataset.from_tensor_slices(paths)
    if shuffle:
        files = files.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    ds = files.interleave(tf.data.TFRecordDataset, cycle_length=min(len(paths), 8) or 1,
                          num_parallel_calls=AUTOTUNE, deterministic=deterministic)
    if shuffle:
        ds = ds.shuffle(SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    parse = _parser(manifest, tasks, tuple(values), image_size or manifest.image.height,
                    channels or manifest.image.channels, with_ids)
    if training:
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(parse, num_parallel_calls=AUTOTUNE,
                                                   deterministic=deterministic)
    else:
        ds = ds.map(parse, num_parallel_calls=AUTOTUNE, deterministic=deterministic)
    if batch_size:
        ds = ds.batch(batch_size, num_parallel_calls=AUTOTUNE, deterministic=deterministic)
    return ds.prefetch(AUTOTUNE)
