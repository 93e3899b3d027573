"""The full-label ("oracle") copies: every task labelled, same noise, released sets untouched."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import facedata_readback as readback
import numpy as np
import pytest

from facedata.synth import (
    LABEL_NOISE,
    build_benchmark,
    domain_names,
    full_labels_path,
    load_full_label_manifests,
    load_hidden_truth,
)
from faceschemas.datasets import DATASET_TASKS
from faceschemas.manifest import DatasetManifest
from faceschemas.record import IMAGE_ENCODED, value_key
from faceschemas.tasks import TASKS

SCALE, SEED = 0.05, 3  # 200 + 120 + 240 + 120 = 680 images


def _digests(root: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    files = sorted(p for pattern in patterns for p in root.glob(pattern))
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


RELEASED = ("benchmark.json", "*/*.tfrecord", "*/quarantine.jsonl", "hidden_truth/*.jsonl", "raw/*/*.csv")
FULL = ("full_labels/*/*.tfrecord", "full_labels/*/quarantine.jsonl", "raw_full/*/labels.csv")


def _manifest(path: Path) -> dict:
    return DatasetManifest.model_validate_json(path.read_text()).model_dump(exclude={"created_at"})


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """A benchmark built without the full-label copies."""
    root = tmp_path_factory.mktemp("plain")
    build_benchmark(root, scale=SCALE, seed=SEED)
    return root


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The same benchmark built with them in one go."""
    root = tmp_path_factory.mktemp("full")
    build_benchmark(root, scale=SCALE, seed=SEED, full_labels=True)
    return root


def test_released_sets_are_the_same_bytes_either_way(plain, full):
    assert _digests(plain, RELEASED) == _digests(full, RELEASED)
    assert len(_digests(plain, RELEASED)) >= 1 + 4 * 3 + 4 + 8
    for name in domain_names():
        assert _manifest(plain / name / "manifest.json") == _manifest(full / name / "manifest.json")
    assert not (plain / "full_labels").exists() and not (plain / "raw_full").exists()


@pytest.mark.parametrize("name", domain_names())
def test_full_copy_has_released_name_truth_ids_splits_and_images(full, name):
    manifest = load_full_label_manifests(full)[name]
    assert manifest.name == name and manifest.tasks == tuple(TASKS)
    truth_file = (full_labels_path(full, name) / manifest.hidden_truth_path).resolve()
    assert truth_file == (full / "hidden_truth" / f"{name}.jsonl").resolve()
    assert load_hidden_truth(full_labels_path(full, name)) == load_hidden_truth(name, root=full)
    released, oracle = readback.records(full / name), readback.records(full_labels_path(full, name))
    assert set(oracle) == set(released) and len(oracle) == sum(s.count for s in manifest.splits.values())
    for sid, (labels, split, example) in oracle.items():
        own_labels, own_split, own_example = released[sid]
        assert split == own_split and all(label >= 0 for label in labels.values())
        assert all(labels[t] == own_labels[t] for t in DATASET_TASKS[name])
        feature, own = example.features.feature, own_example.features.feature
        assert feature[IMAGE_ENCODED].bytes_list.value == own[IMAGE_ENCODED].bytes_list.value
        if "pose" in DATASET_TASKS[name]:
            assert feature[value_key("yaw")].float_list.value == own[value_key("yaw")].float_list.value


def _oracle_vs_truth(root: Path):
    """(dataset, {task: label}, yaw, truth row) of every full-label record."""
    for name in domain_names():
        truth = load_hidden_truth(name, root=root)
        for sid, (labels, _split, example) in readback.records(full_labels_path(root, name)).items():
            yaw = example.features.feature[value_key("yaw")].float_list.value[0]
            yield name, labels, yaw, truth[sid]


def test_every_task_carries_the_released_noise_rate(full):
    rows = list(_oracle_vs_truth(full))
    n = len(rows)
    # Each label is flipped independently with p = LABEL_NOISE, so the flip count over the n
    # (about 680) records is Binomial(n, p): sd sqrt(p(1 - p) / n), about 1.2 points here. Four
    # sd (5.4 % to 14.6 %) fails a correct build about once in 16 000 per task, and still catches
    # clean labels (0 %) or noise applied twice (about 19 %).
    bound = 4 * math.sqrt(LABEL_NOISE * (1 - LABEL_NOISE) / n)
    for task in TASKS:
        rate = np.mean([labels[task] != row["labels"][task] for _n, labels, _y, row in rows])
        assert abs(rate - LABEL_NOISE) < bound, (task, rate, n)
    # Yaw of the three non-pose sets: Gaussian noise of 2 degrees (raw.YAW_NOISE_DEG); over
    # about 560 values the sample sd has a spread of about 2 / sqrt(2 * 560) = 0.06 degrees.
    errors = [yaw - row["values"]["yaw"] for name, _l, yaw, row in rows if "pose" not in DATASET_TASKS[name]]
    assert 1.7 < np.std(errors) < 2.3 and abs(np.mean(errors)) < 0.3


def test_other_task_noise_is_drawn_apart_from_the_released_noise(full):
    # The oracle's extra labels come from their own stream: the released flips of the one
    # task and the oracle flips of the others must not coincide beyond chance (p * p).
    both = flips = 0
    for name, labels, _yaw, row in _oracle_vs_truth(full):
        own = DATASET_TASKS[name][0]
        other = next(t for t in TASKS if t not in DATASET_TASKS[name])
        released_flip = row["released"][own] != row["labels"][own]
        flips += 1
        both += released_flip and labels[other] != row["labels"][other]
    assert both / flips < 3 * LABEL_NOISE**2


def test_adding_full_labels_to_a_cached_benchmark(plain, full, capsys):
    shard = sorted(plain.glob("synth_expw/*.tfrecord"))[0]
    before, released = shard.stat().st_mtime_ns, _digests(plain, RELEASED)
    build_benchmark(plain, scale=SCALE, seed=SEED, full_labels=True)
    assert "reusing it" in capsys.readouterr().out and shard.stat().st_mtime_ns == before
    assert _digests(plain, RELEASED) == released
    assert _digests(plain, FULL) == _digests(full, FULL) and len(_digests(full, FULL)) >= 4 * 3 + 4
    full_shard = sorted((plain / "full_labels" / "synth_expw").glob("*.tfrecord"))[0]
    full_before = full_shard.stat().st_mtime_ns
    build_benchmark(plain, scale=SCALE, seed=SEED)  # without the flag: the copies stay
    build_benchmark(plain, scale=SCALE, seed=SEED, full_labels=True)
    assert "full-label copies; reusing" in capsys.readouterr().out
    assert full_shard.stat().st_mtime_ns == full_before and _digests(plain, RELEASED) == released


def test_raw_full_images_are_the_released_files(full):
    for name in domain_names():
        for image in (full / "raw_full" / name / "images").iterdir():
            released = full / "raw" / name / "images" / image.name
            assert image.read_bytes() == released.read_bytes()
