"""The `synth` source adapter over raw folders written by the benchmark's raw writer."""

from __future__ import annotations

import shutil

import pytest

from facedata.sources import LayoutError, Rejection, get_source
from facedata.synth import domain_names, get_domain, write_raw_dataset
from faceschemas.datasets import DATASET_TASKS
from faceschemas.record import CanonicalRecord


@pytest.fixture(scope="module")
def raw_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("raw")
    for name in domain_names():
        write_raw_dataset(root / name, get_domain(name), 12, seed=0, image_size=32)
    return root


@pytest.mark.parametrize("name", domain_names())
def test_adapter_labels_only_the_dataset_tasks(raw_root, name):
    adapter = get_source("synth")(raw_root / name, dataset_name=name)
    adapter.check_layout()
    records = list(adapter.read())
    assert len(records) == 12 and all(isinstance(r, CanonicalRecord) for r in records)
    assert adapter.tasks == DATASET_TASKS[name]
    assert all(set(r.labels) == set(DATASET_TASKS[name]) and r.dataset == name for r in records)
    assert all(r.split in ("train", "val", "test") for r in records)
    assert all(("yaw" in r.values) == ("pose" in DATASET_TASKS[name]) for r in records)


def test_adapter_rejects_out_of_range_label(raw_root, tmp_path):
    src = raw_root / "synth_celeba"
    lines = (src / "labels.csv").read_text().splitlines()
    lines[1] = ",".join(lines[1].split(",")[:-1] + ["5"])
    (tmp_path / "labels.csv").write_text("\n".join(lines) + "\n")
    shutil.copytree(src / "images", tmp_path / "images")
    items = list(get_source("synth")(tmp_path).read())
    bad = [i for i in items if isinstance(i, Rejection)]
    assert len(bad) == 1 and bad[0].key == "2" and "smile label 5" in bad[0].message


def test_adapter_layout_errors_name_the_problem(tmp_path):
    with pytest.raises(LayoutError, match="labels.csv is missing"):
        get_source("synth")(tmp_path).check_layout()
    (tmp_path / "labels.csv").write_text("sample_id,file,split\n")
    with pytest.raises(LayoutError, match="names no task column"):
        get_source("synth")(tmp_path).check_layout()
