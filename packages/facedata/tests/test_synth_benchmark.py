"""The whole benchmark through the real Beam pipeline: own labels only, hidden truth, determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import tensorflow as tf

import facedata
from facedata.records import iter_tfrecord
from facedata.synth import build_benchmark, domain_names, load_hidden_truth
from faceschemas.datasets import DATASET_TASKS
from faceschemas.record import SAMPLE_ID, label_key
from faceschemas.tasks import TASKS

SCALE = 0.02  # 32 images per dataset


def _digests(root: Path) -> dict[str, str]:
    files = sorted([*root.glob("*/*.tfrecord"), *root.glob("hidden_truth/*.jsonl")])
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    return root, build_benchmark(root, scale=SCALE, seed=3)


def _records(root: Path, name: str):
    """(split, ({task: label}, sample id)) of every record, parsed with tf.train.Example."""
    for shard in facedata.read_manifest(root / name).shards:
        for raw in iter_tfrecord(root / name / shard.path):
            feature = tf.train.Example.FromString(raw).features.feature
            labels = {t: feature[label_key(t)].int64_list.value[0] for t in TASKS}
            yield shard.split, (labels, feature[SAMPLE_ID].bytes_list.value[0].decode())


@pytest.mark.parametrize("name", domain_names())
def test_records_carry_only_their_own_tasks(bench, name):
    root, manifests = bench
    assert manifests[name].tasks == DATASET_TASKS[name]
    own = set(DATASET_TASKS[name])
    for _split, (labels, _sid) in _records(root, name):
        assert {t for t, label in labels.items() if label >= 0} == own


@pytest.mark.parametrize("name", domain_names())
def test_hidden_truth_covers_every_record(bench, name):
    root, manifests = bench
    truth = load_hidden_truth(root / name)
    assert truth == load_hidden_truth(name, root=root)
    seen = {}
    for split, (labels, sid) in _records(root, name):
        seen[sid] = split
        row = truth[sid]
        assert set(row["labels"]) == set(TASKS) and row["split"] == split
        assert all(labels[t] == row["released"][t] for t in DATASET_TASKS[name])
    assert set(seen) == set(truth) and len(seen) == sum(s.count for s in manifests[name].splits.values())


def test_same_seed_gives_byte_identical_shards(bench, tmp_path):
    root, _ = bench
    build_benchmark(tmp_path, scale=SCALE, seed=3)
    assert _digests(tmp_path) == _digests(root) and len(_digests(root)) >= 4 * 3 + 4


def test_cached_benchmark_is_reused_and_force_rebuilds(bench, capsys):
    root, manifests = bench
    shard = sorted(root.glob("synth_expw/*.tfrecord"))[0]
    before = shard.stat().st_mtime_ns
    again = build_benchmark(root, scale=SCALE, seed=3)
    assert "reusing" in capsys.readouterr().out and again == manifests
    assert shard.stat().st_mtime_ns == before


def test_foreign_folder_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="notes.txt"):
        build_benchmark(tmp_path, scale=SCALE)
    assert (tmp_path / "notes.txt").exists()


def test_missing_hidden_truth_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="hidden_truth"):
        load_hidden_truth(tmp_path / "fer2013")
