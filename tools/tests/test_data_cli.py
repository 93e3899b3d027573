"""`mtl data prepare` and `mtl data inspect`, run through the real entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "facedata" / "tests"))

import facedata_fixtures as fixtures  # noqa: E402

from mtl_tools.cli import main  # noqa: E402

IN_MEMORY = ["--", "--runner=DirectRunner", "--direct_running_mode=in_memory"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


@pytest.fixture
def prepared(tmp_path, capsys):
    fixtures.write_fer2013_csv(tmp_path / "raw")
    code, out, err = run(capsys, "data", "prepare", "fer2013", "--input", str(tmp_path / "raw"),
                         "--output", str(tmp_path / "out"), "--image-size", "32", *IN_MEMORY)
    assert code == 0, err
    return tmp_path / "out" / "fer2013", out, err


def test_prepare_prints_progress_and_summary(prepared):
    folder, out, err = prepared
    assert "read 4 records" in out and "written train: 2" in out and "quarantined: 0" in out
    assert "progress: counter read = 4" in err
    assert (folder / "manifest.json").is_file()


def test_prepare_builds_the_adapter_once_per_job(tmp_path, capsys, monkeypatch):
    from facedata.sources import get_source

    adapter_class, built = get_source("fer2013"), []
    original_init = adapter_class.__init__

    def counting_init(self, *args, **kwargs):
        built.append(args)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(adapter_class, "__init__", counting_init)
    fixtures.write_fer2013_csv(tmp_path / "raw")
    code, _out, err = run(capsys, "data", "prepare", "fer2013", "--input", str(tmp_path / "raw"),
                          "--output", str(tmp_path / "out"), "--image-size", "32", *IN_MEMORY)
    assert code == 0, err
    assert len(built) == 1, built  # checked by the command, then read by the job: the same one


# User mistakes of `mtl data` (one line, exit 2) are cases of test_user_errors.py.


def test_strict_exits_non_zero_after_writing_quarantine(tmp_path, capsys):
    rows = [(0, fixtures.pixels(0), "Training"), (1, fixtures.pixels(1, count=10), "Training")]
    fixtures.write_fer2013_csv(tmp_path / "raw", rows)
    code, _, err = run(capsys, "data", "prepare", "fer2013", "--input", str(tmp_path / "raw"), "--output",
                       str(tmp_path / "out"), "--strict", *IN_MEMORY)
    assert code == 1 and "--strict: 1 records quarantined" in err
    assert "bad_pixel_count" in (tmp_path / "out" / "fer2013.quarantine.jsonl").read_text()


def test_inspect_summary_histograms_sheet_and_clean_check(prepared, tmp_path, capsys):
    folder, _, _ = prepared
    sheet = tmp_path / "sheet.png"
    code, out, _ = run(capsys, "data", "inspect", str(folder), "--check", "--sheet", str(sheet))
    assert code == 0, out
    assert "split train: 2 records" in out and "train / emotion" in out and "check: 0 anomalies" in out
    assert sheet.read_bytes()[:4] == b"\x89PNG"


def test_inspect_check_flags_tampered_shards(prepared, capsys):
    folder, _, _ = prepared
    train = folder / "train-00000-of-00001.tfrecord"
    train.write_bytes((folder / "val-00000-of-00001.tfrecord").read_bytes())
    code, out, err = run(capsys, "data", "inspect", str(folder), "--check", "--no-sheet")
    assert code == 1 and "anomaly shard: train-00000-of-00001.tfrecord" in out
    assert "anomaly count: train" in out and "anomaly class_share: train/emotion" in out


def test_inspect_check_flags_task_without_labels(tmp_path, capsys):
    fixtures.write_image(tmp_path / "raw" / "a.jpg", seed=1)
    fixtures.write_image(tmp_path / "raw" / "b.jpg", seed=2)
    (tmp_path / "raw" / "labels.csv").write_text("path,emotion,gender,split\na.jpg,happy,,train\nb.jpg,sad,,train\n")
    code, _, err = run(capsys, "data", "prepare", "csv", "--input", str(tmp_path / "raw"), "--output",
                       str(tmp_path / "out"), *IN_MEMORY)
    assert code == 0, err
    code, out, _ = run(capsys, "data", "inspect", str(tmp_path / "out" / "csv"), "--check", "--no-sheet")
    assert code == 1 and "anomaly labels_all_missing: train/gender" in out


def test_inspect_writes_its_sheet_beside_the_dataset_not_into_the_cwd(prepared, tmp_path, capsys, monkeypatch):
    folder, _, _ = prepared
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    code, out, _ = run(capsys, "data", "inspect", str(folder))
    assert code == 0 and (folder.parent / "fer2013-sheet.png").is_file()
    assert list((tmp_path / "cwd").iterdir()) == []
    code, _, _ = run(capsys, "data", "inspect", str(folder), "--out", str(tmp_path / "elsewhere" / "s.png"))
    assert code == 0 and (tmp_path / "elsewhere" / "s.png").is_file()


def test_inspect_check_flags_malformed_shard_names(prepared, capsys):
    folder, _, _ = prepared
    manifest = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(manifest.replace("train-00000-of-00001", "train-00000-of--0001"))
    (folder / "train-00000-of-00001.tfrecord").rename(folder / "train-00000-of--0001.tfrecord")
    code, out, _ = run(capsys, "data", "inspect", str(folder), "--check", "--no-sheet")
    assert code == 1 and "anomaly shard_names: train" in out

