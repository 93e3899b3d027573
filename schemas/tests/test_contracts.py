"""Manifest, report, prediction and record contracts validate what they promise."""

import datetime as dt
import math

import pytest
from pydantic import ValidationError

from faceschemas.manifest import DatasetManifest, ImageSpec, ShardInfo, SplitStats
from faceschemas.prediction import TaskPrediction
from faceschemas.record import MISSING_LABEL, RECORD_FEATURES_BY_KEY, label_key
from faceschemas.report import TaskMetrics
from faceschemas.tasks import TASKS


def _manifest(**changes):
    fields = dict(
        name="demo", source_format="fer2013", created_at=dt.datetime(2026, 1, 1), toolkit_version="0.1.0",
        tasks=("emotion",), label_names={"emotion": TASKS["emotion"].class_names},
        image=ImageSpec(height=64, width=64, channels=1),
        splits={"train": SplitStats(count=3)},
        shards=(ShardInfo(path="train-00000-of-00001.tfrecord", split="train", records=3, sha256="0" * 64),),
    )
    return DatasetManifest(**(fields | changes))


def test_manifest_counts_must_match_shards():
    assert _manifest().shard_paths("train") == ["train-00000-of-00001.tfrecord"]
    with pytest.raises(ValidationError, match="count 4 but its shards hold 3"):
        _manifest(splits={"train": SplitStats(count=4)})


def test_manifest_is_frozen_and_forbids_extras():
    manifest = _manifest()
    with pytest.raises(ValidationError):
        manifest.name = "x"
    with pytest.raises(ValidationError, match="Extra inputs"):
        _manifest(colour="red")
    with pytest.raises(ValueError, match="has no split 'test'"):
        manifest.shard_paths("test")


def test_record_features_cover_every_task_with_missing_defaults():
    for task in TASKS:
        spec = RECORD_FEATURES_BY_KEY[label_key(task)]
        assert (spec.kind, spec.default) == ("int64", MISSING_LABEL)
    assert math.isnan(RECORD_FEATURES_BY_KEY["value/yaw"].default)


def test_task_metrics_confusion_must_add_up():
    TaskMetrics(task="smile", dataset="d", split="test", count=3, accuracy=2 / 3, mean_class_accuracy=0.75,
                confusion=[[1, 1], [0, 1]])
    with pytest.raises(ValidationError, match="add up to count"):
        TaskMetrics(task="smile", dataset="d", split="test", count=4, accuracy=0.5, mean_class_accuracy=0.5,
                    confusion=[[1, 1], [0, 1]])


def test_prediction_label_must_be_a_class_and_probabilities_sum_to_one():
    TaskPrediction(label="yes", index=1, probabilities={"no": 0.2, "yes": 0.8})
    with pytest.raises(ValidationError, match="sum to"):
        TaskPrediction(label="yes", index=1, probabilities={"no": 0.5, "yes": 0.8})
