"""Reading a prepared dataset back record by record (tf.train.Example protos), for tests."""

from __future__ import annotations

import json
from pathlib import Path

import tensorflow as tf

from facedata.records import iter_tfrecord
from faceschemas.tasks import TASKS


def records(dataset_dir: Path) -> dict[str, tuple[dict[str, int], str, tf.train.Example]]:
    """{sample id: ({task: label}, split, example)} over every shard."""
    out = {}
    for shard in sorted(Path(dataset_dir).glob("*.tfrecord")):
        split = shard.name.rsplit("-", 3)[0]
        for data in iter_tfrecord(shard):
            example = tf.train.Example.FromString(data)
            feature = example.features.feature
            labels = {t: feature[f"label/{t}"].int64_list.value[0] for t in TASKS}
            out[feature["sample/id"].bytes_list.value[0].decode()] = (labels, split, example)
    return out


def quarantine(dataset_dir: Path) -> list[dict]:
    text = (Path(dataset_dir) / "quarantine.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def reasons(dataset_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in quarantine(dataset_dir):
        counts[line["reason"]] = counts.get(line["reason"], 0) + 1
    return counts
