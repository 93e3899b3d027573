"""`load` and `read_manifest`: prepared shards -> tf.data pipelines for training and evaluation.

Where the time went (issue 17, 64x64 grey JPEGs, 2 cores; CPU per image of the pipeline alone):
one `parse_single_example` per record (about 70 us of the 100-160 us per image), JPEG decoding
every epoch, and per-image augmentation (270-330 us with it). So records are parsed in batches
(`parse_example`, only the keys asked for), a split whose decoded images fit
`CACHE_BUDGET_BYTES` is decoded once and kept in memory as uint8, and the cast, channel
conversion, resize and augmentation run on whole batches: 8-10 us per image from the cache,
190-210 us with augmentation (its warp kernel and per-image random draws). The values are those
of per-image processing; only the shuffle order after the first pass of a cached split differs
(the decoded images are reshuffled instead of re-reading reshuffled files).
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from facedata.augment import augment_batch
from faceschemas.layouts import DatasetLayout
from faceschemas.manifest import DatasetManifest
from faceschemas.record import IMAGE_ENCODED, RECORD_FEATURES, SAMPLE_ID, label_key, value_key
from faceschemas.tasks import TASKS

AUTOTUNE = tf.data.AUTOTUNE
SHUFFLE_BUFFER = 4096
# cache="auto" keeps a split's decoded uint8 images in memory up to this size, per `load` call
# (the built-in benchmark's largest training split is about 45 MiB).
CACHE_BUDGET_BYTES = 256 * 2**20
CACHE_MODES = ("auto", "memory", "none")
PARSE_BATCH = 64  # records parsed per call when the caller asks for single elements
_DTYPES = {"bytes": tf.string, "int64": tf.int64, "float": tf.float32}


def read_manifest(dataset_dir) -> DatasetManifest:
    """The manifest of a prepared dataset; FileNotFoundError if the folder is not one (or unfinished)."""
    path = Path(dataset_dir) / DatasetLayout.MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{dataset_dir} has no {DatasetLayout.MANIFEST}: not a prepared dataset (or the job did not finish)")
    return DatasetManifest.model_validate_json(path.read_text())


def feature_spec(keys=None) -> dict[str, tf.io.FixedLenFeature]:
    """Parsing spec of every record key (or of `keys`), with its missing-value default."""
    return {f.key: tf.io.FixedLenFeature([], _DTYPES[f.kind], default_value=f.default) for f in RECORD_FEATURES
            if keys is None or f.key in keys}


def convert_images(images: tf.Tensor, stored_channels: int, channels: int, size: int, stored_size: int) -> tf.Tensor:
    """float32 [..., size, size, channels] in [0, 255] from decoded images (channels converted, resized)."""
    images = tf.cast(images, tf.float32)
    if channels != stored_channels:
        images = tf.image.grayscale_to_rgb(images) if channels == 3 else tf.image.rgb_to_grayscale(images)
    if size != stored_size:
        images = tf.clip_by_value(tf.image.resize(images, (size, size), antialias=True), 0.0, 255.0)
    return images


def decode_image(encoded: tf.Tensor, stored_channels: int, channels: int, size: int, stored_size: int) -> tf.Tensor:
    """float32 (size, size, channels) in [0, 255] from encoded bytes (channels converted, resized)."""
    image = tf.io.decode_image(encoded, channels=stored_channels, expand_animations=False)
    image = convert_images(image, stored_channels, channels, size, stored_size)
    return tf.ensure_shape(image, (size, size, channels))


class _Parser:
    """Batched stages: serialized records -> features with uint8 images -> output tuples."""

    def __init__(self, manifest: DatasetManifest, tasks, values, size, channels, with_ids) -> None:
        self.stored = manifest.image
        self.tasks, self.values, self.size, self.channels, self.with_ids = tasks, values, size, channels, with_ids
        keys = {IMAGE_ENCODED, *(label_key(t) for t in tasks), *(value_key(v) for v in values)}
        self.spec = feature_spec(keys | ({SAMPLE_ID} if with_ids else set()))

    def decode(self, serialized: tf.Tensor) -> dict:
        """A batch of records -> their features, `image/encoded` replaced by uint8 [N, H, W, C]."""
        f = tf.io.parse_example(serialized, self.spec)
        shape = (self.stored.height, self.stored.width, self.stored.channels)

        def one(encoded):
            image = tf.io.decode_image(encoded, channels=self.stored.channels, expand_animations=False)
            return tf.ensure_shape(image, shape)

        f[IMAGE_ENCODED] = tf.map_fn(one, f[IMAGE_ENCODED], fn_output_signature=tf.TensorSpec(shape, tf.uint8))
        return f

    def finish(self, f: dict, seeds=None) -> tuple:
        """Decoded features of a batch -> `(image, labels, masks[, values][, ids])`, augmented with seeds."""
        stored = self.stored
        image = convert_images(f[IMAGE_ENCODED], stored.channels, self.channels, self.size, stored.height)
        image = tf.ensure_shape(image, (None, self.size, self.size, self.channels))
        if seeds is not None:
            image = tf.clip_by_value(augment_batch(image, seeds[:tf.shape(image)[0]]), 0.0, 255.0)
        labels = {t: tf.cast(f[label_key(t)], tf.int32) for t in self.tasks}
        masks = {t: tf.cast(labels[t] >= 0, tf.float32) for t in self.tasks}
        out = (image, labels, masks)
        if self.values:
            out += ({v: f[value_key(v)] for v in self.values},)
        return out + (f[SAMPLE_ID],) if self.with_ids else out


def cache_decoded(manifest: DatasetManifest, split: str, cache) -> bool:
    """Whether `load` keeps the split's decoded images in memory (`cache`: auto, memory, none)."""
    if cache in (None, False, "none"):
        return False
    if cache not in CACHE_MODES:
        raise ValueError(f"unknown cache {cache!r}; known: {', '.join(CACHE_MODES)}")
    image = manifest.image
    decoded = manifest.splits[split].count * image.height * image.width * image.channels
    return cache == "memory" or decoded <= CACHE_BUDGET_BYTES


def _check_names(tasks, values) -> None:
    known_values = [v for spec in TASKS.values() for v in spec.continuous_values]
    for name in tasks:
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(TASKS)}")
    for name in values:
        if name not in known_values:
            raise ValueError(f"unknown value {name!r}; known values: {', '.join(known_values)}")


def _records(paths: list[str], shuffle: bool, seed: int, deterministic: bool) -> tf.data.Dataset:
    """The serialized records of the shards, interleaved (shards in a new order every pass)."""
    files = tf.data.Dataset.from_tensor_slices(paths)
    if shuffle:
        files = files.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    return files.interleave(tf.data.TFRecordDataset, cycle_length=min(len(paths), 8) or 1,
                            num_parallel_calls=AUTOTUNE, deterministic=deterministic)


def decoded_split(paths: list[str], parser: _Parser) -> dict[str, tf.Tensor]:
    """Every record of the shards parsed and decoded once, in file order: the in-memory cache."""
    batches = _records(paths, False, 0, True).batch(256).map(parser.decode, num_parallel_calls=AUTOTUNE)
    parts = list(batches)
    return {key: tf.concat([part[key] for part in parts], axis=0) for key in parts[0]}


def _from_memory(table: dict[str, tf.Tensor], shuffle: bool, seed: int, repeat: bool, size: int) -> tf.data.Dataset:
    """Batches of the decoded table, gathered by index.

    Shuffling permutes the indices of the whole split every pass (a full shuffle, not a
    4096-element window), and an iterator's checkpoint holds positions and indices only: the
    table is a constant of the dataset, not iterator state (a `cache()` + `shuffle()` of the
    images put the decoded split into every training checkpoint, 61 MB instead of 16 for EP).
    """
    count = int(table[IMAGE_ENCODED].shape[0])
    ds = tf.data.Dataset.range(count)
    if shuffle:
        ds = ds.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return ds.batch(size).map(lambda index: {key: tf.gather(column, index) for key, column in table.items()},
                              num_parallel_calls=AUTOTUNE)


def load(dataset_dir, split, *, tasks=None, batch_size=None, image_size=None, channels=None, training=False,
         shuffle=None, seed=0, deterministic=False, repeat=False, with_ids=False, values=(),
         cache="auto") -> tf.data.Dataset:
    """A tf.data.Dataset of `(image, {task: label}, {task: mask})` from a prepared dataset.

    image: float32 in [0, 255], shape (H, W, C). Labels are int32 with -1 when missing, masks
    float32 1/0; tasks the dataset does not label come out as -1 / 0, so disjoint datasets share
    one multi-task batch. `values=("age_years", ...)` adds a dict of continuous values (NaN
    missing); `with_ids` appends the sample id. Augmentation only when `training`; shuffling
    defaults to `training`. `cache`: "memory" decodes the split once, when `load` is called, and
    keeps the uint8 images in memory, "none" decodes every pass, "auto" (default) caches when the
    decoded split fits `CACHE_BUDGET_BYTES`.
    """
    manifest = read_manifest(dataset_dir)
    tasks = tuple(tasks) if tasks is not None else manifest.tasks
    _check_names(tasks, values)
    shuffle = training if shuffle is None else shuffle
    paths = [str(Path(dataset_dir) / p) for p in manifest.shard_paths(split)]
    parser = _Parser(manifest, tasks, tuple(values), image_size or manifest.image.height,
                     channels or manifest.image.channels, with_ids)
    size = batch_size or PARSE_BATCH
    cached = cache_decoded(manifest, split, cache) and manifest.splits[split].count > 0
    if cached:
        ds = _from_memory(decoded_split(paths, parser), shuffle, seed, repeat, size)
    else:
        ds = _records(paths, shuffle, seed, deterministic)
        if shuffle:
            ds = ds.shuffle(SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)
        if repeat:
            ds = ds.repeat()
        ds = ds.batch(size)
    stage = parser.finish if cached else lambda f, *s: parser.finish(parser.decode(f), *s)
    if training:  # one stateless seed per element, in element order (the same as per-image maps)
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2).batch(size)
        ds = tf.data.Dataset.zip((ds, seeds))
    # In order even when not `deterministic`: the short last batch stays last.
    ds = ds.map(stage, num_parallel_calls=AUTOTUNE, deterministic=True)
    if not batch_size:
        ds = ds.unbatch()
    return ds.prefetch(AUTOTUNE)
