"""Every user mistake is one line, `mtl: error: ...`, exit status 2, no traceback (DESIGN.md).

One table for every command: (arguments, a fragment the error line must hold). The arguments may
name the files of `workspace` as {raw}, {csvraw}, {latin1}, {out} and {tmp}. The shared runner
`mtl_user_error` (conftest.py) runs the real console script and checks the one-line contract.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "facedata" / "tests"))

import facedata_fixtures as fixtures  # noqa: E402

PRESET = "mini_xception_fer2013"
CSV_PREPARE = ("data", "prepare", "csv", "--input", "{csvraw}", "--output", "{out}/ds")
CHECK = ("config", "check", "--method", "joint", "--tasks", "EP")
TRAIN_ALL_IN_ONE = ("train", "--tasks", "EP", "--preset", "all-in-one")

CASES = {
    # mtl config check: flag values, unknown flags, methods; unknown commands
    "bad-int": ((*CHECK, "--epoch=abc"), "--epoch: Input should be a valid integer"),
    "unknown-flag": ((*CHECK, "--is_pesudoo=True"), "--is_pesudoo: unknown flag; did you mean --is_pesudo"),
    "unknown-method": (("config", "check", "--method", "hybrid", "--tasks", "EP"), "'hybrid' is not one of"),
    "no-method": (("config", "check", "--tasks", "EP"), "--method: missing"),
    "unknown-command": (("nonsense",), "No such command 'nonsense'"),
    "placeholder-switched-on": (("config", "check", "--method", "alternative", "--tasks", "EP", "--is_pesudo=True",
                                 "--is_pesudo_density=True", "--density_t=0"),
                                "--density_t: Input should be greater than 0"),
    # mtl train
    "dataset-of-another-task": ((*TRAIN_ALL_IN_ONE, "--dataset_emotion", "synth_celeba"), "--dataset_emotion"),
    "no-prepared-data": ((*TRAIN_ALL_IN_ONE, "--data-root", "/nonexistent", "--dataset_pose", "./nowhere"),
                         "no prepared data"),
    "resume-not-a-run": (("train", "--resume", "/tmp"), "not a run folder"),
    # mtl data prepare / inspect
    "wrong-layout": (("data", "prepare", "aflw", "--input", "{raw}", "--output", "{out}"), "expected aflw.sqlite"),
    "unknown-format": (("data", "prepare", "nosuch", "--input", "{raw}", "--output", "{out}"), "known: adience"),
    "missing-input": (("data", "prepare", "fer2013", "--input", "{raw}/missing", "--output", "{out}"),
                      "no such folder"),
    "bad-option": (("data", "prepare", "ferplus", "--input", "{raw}", "--output", "{out}", "--option", "x"),
                   "KEY=VALUE"),
    "inspect-unprepared": (("data", "inspect", "{raw}"), "no manifest.json"),
    "negative-shards": ((*CSV_PREPARE, "--num-shards", "-1"), "--num-shards must be 1 to"),
    "negative-workers": ((*CSV_PREPARE, "--workers", "-1"), "--workers must be 1 to"),
    "huge-image-size": ((*CSV_PREPARE, "--image-size", "100000"), "--image-size must be 8 to 1024 pixels, got 100000"),
    "zero-max-pixels": ((*CSV_PREPARE, "--max-pixels", "0"), "--max-pixels must be at least 1"),
    "output-is-a-file": ((*CSV_PREPARE, "--output", "{out}/file"), "is a file"),
    "output-unwritable": ((*CSV_PREPARE, "--output", "/proc/mtl-no-such/out"),
                          "--output /proc/mtl-no-such/out: cannot write there"),
    "labels-not-utf8": ((*CSV_PREPARE, "--input", "{latin1}"), "labels.csv: line 3, column 1: byte 0xe9 is not UTF-8"),
    # mtl models / export
    "unknown-preset": (("models", "fetch", "nope"), "unknown preset 'nope'; known: mini_xception_fer2013"),
    "export-no-run": (("export", "no/such/run", "--format", "tflite", "--out", "{tmp}/x.tflite"),
                      "no/such/run: not a run folder"),
    "export-unknown-format": (("export", PRESET, "--format", "onnx", "--out", "{tmp}/x"),
                              "--format: unknown format 'onnx'; known: "),
}


@pytest.fixture
def workspace(tmp_path) -> dict[str, Path]:
    """Raw folders (fer2013, csv, a non-UTF-8 csv) and an output folder holding a file."""
    fixtures.write_fer2013_csv(tmp_path / "raw")
    fixtures.write_csvlist(tmp_path / "csvraw")
    fixtures.write_image(tmp_path / "latin1" / "a.jpg", seed=1)
    (tmp_path / "latin1" / "labels.csv").write_bytes("path,emotion\na.jpg,happy\n\xe9t\xe9.jpg,sad\n".encode("latin-1"))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "file").write_text("not a folder")
    return {"raw": tmp_path / "raw", "csvraw": tmp_path / "csvraw", "latin1": tmp_path / "latin1",
            "out": tmp_path / "out", "tmp": tmp_path}


@pytest.mark.parametrize(("args", "fragment"), list(CASES.values()), ids=list(CASES))
def test_a_user_mistake_is_one_line_and_exit_2(mtl_user_error, workspace, args, fragment):
    line = mtl_user_error(*(a.format(**workspace) for a in args), cwd=workspace["tmp"])
    assert fragment.format(**workspace) in line
    assert not (workspace["out"] / "ds").exists()  # refused before anything is written
