"""Per-element work of the preprocessing job (Beam layer 1: DoFns with counters).

Every dropped record is counted (`facedata` namespace, `quarantined/<reason>`) and emitted on
the `quarantine` output with its source, key, reason and message (issue 3, "Bad input").
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

from facedata import images
from facedata.example import encode_example
from facedata.records import write_tfrecord
from facedata.splits import seeded_split, shard_name, shard_of
from facedata.stats import StatsAccumulator
from faceschemas.record import (
    IMAGE_CHANNELS,
    IMAGE_ENCODED,
    IMAGE_FORMAT,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    RECORD_FEATURES,
    SAMPLE_DATASET,
    SAMPLE_ID,
    CanonicalRecord,
    label_key,
    value_key,
)

NAMESPACE = "facedata"
QUARANTINE = "quarantine"


def quarantine_line(source: str, key: str, reason: str, message: str) -> dict:
    """One quarantine.jsonl entry."""
    Metrics.counter(NAMESPACE, f"quarantined/{reason}").inc()
    return {"source": source, "key": key, "reason": reason, "message": message}


class ReadSourceFn(beam.DoFn):
    """Runs a source adapter over the raw folder: records on the main output, rejections aside."""

    def __init__(self, adapter) -> None:
        self.adapter = adapter  # built once by the job, pickled to the worker with this DoFn
        self.read_counter = Metrics.counter(NAMESPACE, "read")

    def process(self, _unused):
        from facedata.sources import Rejection

        for item in self.adapter.read():
            self.read_counter.inc()
            if isinstance(item, Rejection):
                line = quarantine_line(item.source, item.key, item.reason, item.message)
                yield beam.pvalue.TaggedOutput(QUARANTINE, line)
            else:
                yield item


class DropDuplicatesFn(beam.DoFn):
    """Keeps one record per sample id (the first in a stable order), quarantines the rest."""

    def process(self, element):
        sample_id, records = element
        ordered = list(records)
        if len(ordered) > 1:  # which duplicate survives must not depend on the runner's order
            ordered.sort(key=lambda r: repr(sorted(r.model_dump().items())))
        yield ordered[0]
        for extra in ordered[1:]:
            yield beam.pvalue.TaggedOutput(QUARANTINE, quarantine_line(
                extra.image_path or extra.dataset, sample_id, "duplicate_id",
                f"sample id {sample_id!r} occurs more than once; the first occurrence is kept"))


@dataclass(frozen=True)
class ImageOptions:
    """How crops are made: size, channels (1 or 3), encoding, and whether to detect faces.

    `max_pixels` bounds width x height, read from the header before decoding; `root` is the
    dataset folder (a file that is itself a symbolic link out of it is refused);
    `dedupe_content` quarantines byte-identical images under other ids.
    """

    size: int
    channels: int
    encoding: str
    detect: bool
    split_seed: int
    split_fractions: tuple[float, float, float]
    max_pixels: int = images.MAX_PIXELS
    root: str = ""
    dedupe_content: bool = True


def record_split(record: CanonicalRecord, options: ImageOptions) -> str:
    """The record's official split, else the seeded split from a hash of its sample id."""
    return record.split or seeded_split(record.sample_id, options.split_seed, options.split_fractions)


class ProcessRecordFn(beam.DoFn):
    """Record -> decoded, cropped, resized, encoded Example bytes plus what the stats need."""

    def __init__(self, options: ImageOptions) -> None:
        self.options = options

    def process(self, record: CanonicalRecord):
        try:
            data = self._load(record)
            crop = self._crop(record, data)
        except images.ImageRejected as err:
            yield beam.pvalue.TaggedOutput(QUARANTINE, quarantine_line(
                record.image_path or record.dataset, record.sample_id, err.reason, str(err)))
            return
        split = record_split(record, self.options)
        pixels = crop.astype(np.float64)
        box = record.box
        yield {
            "id": record.sample_id, "split": split, "labels": dict(record.labels),
            "values": dict(record.values), "example": self._example(record, crop),
            "moments": (float(pixels.sum()), float((pixels**2).sum()), int(pixels.size)),
            # Several faces of one image differ by box: same bytes and same box is a duplicate.
            "content": hashlib.sha256(data).hexdigest() + (f"#{box.x},{box.y},{box.w},{box.h}" if box else ""),
            "source": record.image_path or record.dataset,
        }

    def _load(self, record: CanonicalRecord) -> bytes:
        if record.image_bytes is not None:
            return record.image_bytes
        self._refuse_escaping_link(record.image_path)
        try:
            return Path(record.image_path).read_bytes()
        except FileNotFoundError:
            raise images.ImageRejected("missing_file", f"image file {record.image_path} does not exist") from None
        except IsADirectoryError:
            raise images.ImageRejected("not_a_file", f"{record.image_path} is a folder, not an image file") from None
        except OSError as err:
            raise images.ImageRejected("unreadable_file", f"cannot read {record.image_path}: {err}") from None

    def _refuse_escaping_link(self, path: str) -> None:
        """A file that is itself a symbolic link to outside the dataset folder is refused.

        Linked *folders* stay allowed (datasets link their image folders from other disks), so
        only the file's own link is judged, here in the workers rather than in the adapter.
        """
        if not self.options.root or not os.path.islink(path):
            return
        root = os.path.realpath(self.options.root).rstrip(os.sep) + os.sep
        target = os.path.realpath(path)
        if not target.startswith(root):
            raise images.ImageRejected("symlink_escapes_dataset",
                                       f"{path} is a symbolic link to {target}, outside the dataset folder")

    def _crop(self, record: CanonicalRecord, data: bytes) -> np.ndarray:
        image = images.decode(data, self.options.channels, self.options.max_pixels)
        box = record.box
        if box is None and self.options.detect:
            box = images.detect_face(image)
        return images.resize(images.crop(image, box), self.options.size)

    def _example(self, record: CanonicalRecord, crop: np.ndarray) -> bytes:
        features: dict = {spec.key: spec.default for spec in RECORD_FEATURES}
        features.update({
            IMAGE_ENCODED: images.encode(crop, self.options.encoding),
            IMAGE_FORMAT: self.options.encoding.encode(),
            IMAGE_HEIGHT: crop.shape[0], IMAGE_WIDTH: crop.shape[1], IMAGE_CHANNELS: crop.shape[2],
            SAMPLE_ID: record.sample_id.encode(), SAMPLE_DATASET: record.dataset.encode(),
        })
        features.update({label_key(task): int(label) for task, label in record.labels.items()})
        features.update({value_key(name): float(v) for name, v in record.values.items()})
        return encode_example(features)


class DropDuplicateContentFn(beam.DoFn):
    """Of byte-identical images (same content hash and box) keeps the smallest id, quarantines the rest.

    The same picture under two names would otherwise land in two splits (train/test leakage).
    """

    def process(self, element):
        content, items = element
        ordered = sorted(items, key=lambda item: item["id"])
        yield ordered[0]
        for extra in ordered[1:]:
            yield beam.pvalue.TaggedOutput(QUARANTINE, quarantine_line(
                extra["source"], extra["id"], "duplicate_content",
                f"same image bytes as {ordered[0]['id']!r} (sha256 {content[:12]}); the smallest id is kept"))


class AssignShardFn(beam.DoFn):
    """Keys a processed record by (split, shard, shard count): shard = hash(id) % count.

    `split_counts` are the records *read* per split (before duplicates and quarantine), so the
    shard count is known before any image is processed and this step fuses with the processing.
    """

    def __init__(self, num_shards: int | None, records_per_shard: int) -> None:
        self.num_shards, self.records_per_shard = num_shards, records_per_shard

    def process(self, item, split_counts):
        total = self.num_shards or max(1, math.ceil(split_counts[item["split"]] / self.records_per_shard))
        yield (item["split"], shard_of(item["id"], total), total), item


class WriteShardFn(beam.DoFn):
    """Writes one shard, records sorted by id, to temp then os.replace; plus a stats sidecar."""

    def __init__(self, out_dir: str, tasks: tuple[str, ...]) -> None:
        self.out_dir, self.tasks = out_dir, tasks

    def process(self, element):
        (split, index, total), items = element
        items = sorted(items, key=lambda item: item["id"])
        name = shard_name(split, index, total)
        count, sha = write_tfrecord(Path(self.out_dir) / name, (item["example"] for item in items))
        stats = StatsAccumulator()
        for item in items:
            stats.add(self.tasks, item["labels"], item["values"], item["moments"])
        sidecar = {"path": name, "split": split, "records": count, "sha256": sha, "stats": stats.to_dict()}
        (Path(self.out_dir) / f".{name}.stats.json").write_text(json.dumps(sidecar))
        Metrics.counter(NAMESPACE, f"written/{split}").inc(count)
        yield name


class WriteQuarantineFn(beam.DoFn):
    """Writes every quarantine line, sorted, as quarantine.jsonl (empty file when none)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def process(self, lines):
        ordered = sorted(lines, key=lambda d: (d["source"], d["key"], d["reason"], d["message"]))
        tmp = Path(self.path).with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in ordered))
        tmp.replace(self.path)
        yield len(ordered)
