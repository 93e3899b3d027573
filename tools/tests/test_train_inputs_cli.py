"""`mtl train` reports a bad --runs-dir or a dataset without train records in one line, exit 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "facedata" / "tests"))

import facedata_fixtures as fixtures  # noqa: E402

TRAIN = ("train", "--method", "stl", "--tasks", "E", "--model", "mini_xception", "--epochs", "1")


@pytest.fixture(scope="module")
def no_train_split(tmp_path_factory) -> Path:
    from facedata.pipeline import prepare

    root = tmp_path_factory.mktemp("data")
    fixtures.write_fer2013_csv(root / "raw", [(3, fixtures.pixels(0), "PublicTest"),
                                              (5, fixtures.pixels(1), "PrivateTest")])
    prepare("fer2013", root / "raw", root / "out", image_size=16)
    return root / "out" / "fer2013"


def test_a_dataset_without_train_records(mtl_user_error, tmp_path, no_train_split):
    line = mtl_user_error(*TRAIN, "--dataset_emotion", str(no_train_split), "--runs-dir", str(tmp_path / "r"))
    assert f"dataset {no_train_split}: no train records to train on (it has test (1), val (1))" in line


@pytest.mark.parametrize(("runs_dir", "needle"), [
    ("{tmp}/file", "--runs-dir {tmp}/file: is a file, not a folder"),
    ("/proc/mtl-no-such/runs", "--runs-dir /proc/mtl-no-such/runs: cannot write there"),
])
def test_a_runs_dir_that_cannot_hold_runs(mtl_user_error, tmp_path, no_train_split, runs_dir, needle):
    (tmp_path / "file").write_text("not a folder")
    runs_dir = runs_dir.format(tmp=tmp_path)
    line = mtl_user_error(*TRAIN, "--dataset_emotion", str(no_train_split), "--runs-dir", runs_dir)
    assert needle.format(tmp=tmp_path) in line
