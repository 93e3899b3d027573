"""What `mtl data inspect` shows and checks: summary, class histograms, a contact sheet, and
anomaly checks of the shards against their manifest (a native stand-in for TFDV, which cannot
be installed beside TF 2.21; pitfalls)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from facedata.records import iter_tfrecord
from facedata.stats import StatsAccumulator
from faceschemas.manifest import DatasetManifest
from faceschemas.record import IMAGE_ENCODED, SAMPLE_ID, label_key, value_key
from faceschemas.tasks import TASKS

SHARE_TOLERANCE = 0.1  # largest allowed change of a class's share of its split
MEAN_TOLERANCE = 10.0  # pixel mean drift, in grey levels
MIN_PIXEL_STD = 2.0  # below this the images are (nearly) constant
_VALUE_NAMES = {value_key(v): v for spec in TASKS.values() for v in spec.continuous_values}


@dataclass(frozen=True)
class Anomaly:
    """One problem found by `check`."""

    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


def summary_lines(manifest: DatasetManifest) -> list[str]:
    """The manifest's summary: name, format, tasks, image spec, counts, quarantine."""
    image = manifest.image
    lines = [f"dataset {manifest.name} (format {manifest.source_format}, toolkit {manifest.toolkit_version})",
             f"tasks: {', '.join(manifest.tasks)}",
             f"images: {image.height}x{image.width}x{image.channels} {image.encoding}",
             f"shards: {len(manifest.shards)}"]
    lines += [f"split {name}: {stats.count} records" for name, stats in manifest.splits.items()]
    reasons = ", ".join(f"{k} {v}" for k, v in manifest.quarantine_reasons.items())
    lines.append(f"quarantined: {manifest.quarantined}" + (f" ({reasons})" if reasons else ""))
    return lines


def histogram_lines(manifest: DatasetManifest, width: int = 30) -> list[str]:
    """Per split and task, one line per class with its count and a bar."""
    lines = []
    for split, stats in manifest.splits.items():
        for task, hist in stats.class_histograms.items():
            lines.append(f"{split} / {task} (missing {stats.missing_labels.get(task, 0)}):")
            top = max(hist) or 1
            for name, count in zip(manifest.label_names[task], hist, strict=True):
                lines.append(f"  {name:14s} {count:7d} {'#' * round(width * count / top)}")
    return lines


def iter_examples(dataset_dir: Path, manifest: DatasetManifest, split: str) -> Iterator[dict]:
    """Decoded records of one split: {"id", "labels", "values", "image" (uint8 HxWxC)}."""
    import tensorflow as tf  # parsing only; imported here so the module loads without it

    for relative in manifest.shard_paths(split):
        for data in iter_tfrecord(Path(dataset_dir) / relative):
            feature = tf.train.Example.FromString(data).features.feature
            flag = cv2.IMREAD_GRAYSCALE if manifest.image.channels == 1 else cv2.IMREAD_COLOR
            image = cv2.imdecode(np.frombuffer(feature[IMAGE_ENCODED].bytes_list.value[0], np.uint8), flag)
            yield {
                "id": feature[SAMPLE_ID].bytes_list.value[0].decode(),
                "labels": {t: feature[label_key(t)].int64_list.value[0] for t in manifest.tasks},
                "values": {_VALUE_NAMES[k]: v.float_list.value[0] for k, v in feature.items()
                           if k in _VALUE_NAMES},
                "image": None if image is None else image.reshape(image.shape[0], image.shape[1], -1),
            }


def contact_sheet(dataset_dir, path, *, per_class: int = 8, split: str | None = None, cell: int = 64) -> Path:
    """A PNG with up to `per_class` faces per (task, class) row, labelled; returns its path."""
    from facedata.reader import read_manifest

    manifest = read_manifest(dataset_dir)
    split = split or next(iter(manifest.splits), None)
    rows = {(t, c): [] for t in manifest.tasks for c in range(len(manifest.label_names[t]))}
    for record in iter_examples(Path(dataset_dir), manifest, split) if split else []:
        for task, label in record["labels"].items():
            if label >= 0 and len(rows[(task, label)]) < per_class and record["image"] is not None:
                rows[(task, label)].append(record["image"])
    label_w = 150
    sheet = np.full((cell * len(rows), label_w + cell * per_class, 3), 255, np.uint8)
    for r, ((task, label), faces) in enumerate(rows.items()):
        cv2.putText(sheet, f"{task}:{manifest.label_names[task][label]}"[:20], (4, r * cell + cell // 2),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1)
        for i, face in enumerate(faces):
            tile = cv2.resize(face, (cell, cell)).reshape(cell, cell, -1)
            sheet[r * cell:(r + 1) * cell, label_w + i * cell:label_w + (i + 1) * cell] = (
                np.repeat(tile, 3, axis=2) if tile.shape[2] == 1 else tile)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), sheet)
    return path


def check(dataset_dir) -> list[Anomaly]:
    """Re-reads every shard and compares it with the manifest (checksums, counts, label
    coverage, class shares, pixel statistics, image shape)."""
    from facedata.reader import read_manifest

    dataset_dir = Path(dataset_dir)
    manifest = read_manifest(dataset_dir)
    found = list(_check_shards(dataset_dir, manifest))
    for split, expected in manifest.splits.items():
        actual, shapes = StatsAccumulator(), set()
        for record in iter_examples(dataset_dir, manifest, split):
            image = record["image"]
            if image is None:
                found.append(Anomaly("undecodable", f"{split}/{record['id']}", "image does not decode"))
                continue
            shapes.add(image.shape)
            pixels = image.astype(np.float64)
            actual.add(manifest.tasks, record["labels"], {},
                       (float(pixels.sum()), float((pixels**2).sum()), int(pixels.size)))
        found += _compare(split, manifest, expected, actual.to_split_stats(manifest.tasks), shapes)
    return found


def _check_shard_names(manifest: DatasetManifest) -> Iterator[Anomaly]:
    """Every split's shards are exactly <split>-00000-of-N ... <split>-(N-1)-of-N, N >= 1."""
    from facedata.splits import shard_name

    for split in sorted({s.split for s in manifest.shards} | set(manifest.splits)):
        paths = sorted(s.path for s in manifest.shards if s.split == split)
        total = len(paths)
        if not paths or paths != [shard_name(split, i, total) for i in range(total)]:
            yield Anomaly("shard_names", split, f"shards {paths[:3]} are not {split}-00000-of-{max(total, 1):05d}... "
                          f"({total} shards)")


def _check_shards(dataset_dir: Path, manifest: DatasetManifest) -> Iterator[Anomaly]:
    yield from _check_shard_names(manifest)
    for shard in manifest.shards:
        path = dataset_dir / shard.path
        if not path.is_file():
            yield Anomaly("shard", shard.path, "missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != shard.sha256:
            yield Anomaly("shard", shard.path, "checksum differs from the manifest")


def _compare(split, manifest, expected, actual, shapes) -> list[Anomaly]:
    out = []
    want_shape = (manifest.image.height, manifest.image.width, manifest.image.channels)
    if expected.count != actual.count:
        out.append(Anomaly("count", split, f"{actual.count} records, manifest says {expected.count}"))
    for shape in sorted(shapes - {want_shape}):
        out.append(Anomaly("shape", split, f"image shape {shape}, manifest says {want_shape}"))
    for task in manifest.tasks:
        if actual.count and actual.missing_labels.get(task, 0) == actual.count:
            out.append(Anomaly("labels_all_missing", f"{split}/{task}", f"no record of {split} has a {task} label"))
        out += _share_anomalies(f"{split}/{task}", manifest.label_names[task],
                                expected.class_histograms.get(task, []), actual.class_histograms.get(task, []))
    if actual.pixel_std is not None and actual.pixel_std < MIN_PIXEL_STD:
        out.append(Anomaly("pixel_range", split, f"pixel std {actual.pixel_std:.2f}: images are nearly constant"))
    if actual.pixel_mean is not None and expected.pixel_mean is not None and \
            abs(actual.pixel_mean - expected.pixel_mean) > MEAN_TOLERANCE:
        out.append(Anomaly("pixel_range", split,
                           f"pixel mean {actual.pixel_mean:.1f}, manifest says {expected.pixel_mean:.1f}"))
    return out


def _share_anomalies(where, names, expected, actual) -> list[Anomaly]:
    if not sum(expected) or not sum(actual) or len(expected) != len(actual):
        return []
    out = []
    for name, e, a in zip(names, expected, actual, strict=True):
        e_share, a_share = e / sum(expected), a / sum(actual)
        if abs(e_share - a_share) > SHARE_TOLERANCE:
            out.append(Anomaly("class_share", f"{where}/{name}",
                               f"share {a_share:.1%}, manifest says {e_share:.1%}"))
    return out
