"""Odd names, path spellings, content duplicates, CSV column counts, pixel limits, option
checks, and what a killed job leaves behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import facedata_fixtures as fixtures
import facedata_readback as readback
import pytest

from facedata.pipeline import prepare
from facedata.sources import LayoutError, get_source
from facedata.sources._common import escape_name


def test_odd_file_names_are_percent_escaped_and_the_job_goes_on(tmp_path):
    fixtures.write_image(tmp_path / "raw" / "happy" / "plain.jpg", seed=1)
    fixtures.write_image(tmp_path / "raw" / "happy" / "100%.jpg", seed=3)
    with open(os.fsencode(tmp_path / "raw" / "happy") + b"/caf\xe9.jpg", "wb") as odd:
        odd.write(fixtures.image_bytes(seed=2))
    prepare("imagefolder", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert set(readback.records(tmp_path / "out" / "imagefolder")) == {
        "imagefolder/happy/plain.jpg", "imagefolder/happy/caf%E9.jpg", "imagefolder/happy/100%.jpg"}
    assert escape_name(os.fsdecode(b"a\xff\xfeb")) == "a%FF%FEb" and escape_name("né") == "né"


def _csv(root: Path, text: str, *images: str) -> None:
    for seed, name in enumerate(images):
        fixtures.write_image(root / name, 40, 40, seed=seed)
    (root / "labels.csv").write_text(text)


def test_one_file_under_two_spellings_is_one_sample(tmp_path):
    _csv(tmp_path / "raw", "path,emotion\n./img/x.png,happy\nimg/x.png,happy\nimg//y.png,sad\n", "img/x.png",
         "img/y.png")
    manifest = prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/img/x.png", "csv/img/y.png"}
    assert manifest.quarantine_reasons == {"duplicate_id": 1}


def test_byte_identical_copies_are_quarantined_unless_turned_off(tmp_path):
    _csv(tmp_path / "raw", "path,emotion\na.png,happy\nb.png,happy\n", "a.png")
    (tmp_path / "raw" / "b.png").write_bytes((tmp_path / "raw" / "a.png").read_bytes())
    manifest = prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/a.png"}
    assert manifest.quarantine_reasons == {"duplicate_content": 1} and manifest.options["dedupe_content"] is True
    kept = prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16, dedupe_content=False)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/a.png", "csv/b.png"}
    assert kept.quarantined == 0 and kept.options["dedupe_content"] is False


def test_rows_with_the_wrong_number_of_cells_are_quarantined_by_line(tmp_path):
    # The path is not the first column: a short row used to crash the job with a KeyError.
    _csv(tmp_path / "raw", "emotion,path,split\nhappy,a.png,train\nsad\nhappy,a.png,train,extra\n\nfear,b.png,test\n",
         "a.png", "b.png")
    prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/a.png", "csv/b.png"}
    lines = {(q["key"], q["reason"]) for q in readback.quarantine(tmp_path / "out" / "csv")}
    assert lines == {("line 3", "wrong_column_count"), ("line 4", "wrong_column_count")}


def test_images_over_the_pixel_limit_are_quarantined_before_decoding(tmp_path):
    _csv(tmp_path / "raw", "path,emotion\nsmall.png,happy\nbig.png,happy\n", "small.png")
    fixtures.write_image(tmp_path / "raw" / "big.png", 200, 100, seed=9)
    manifest = prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16, max_pixels=19_999)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/small.png"}
    (line,) = readback.quarantine(tmp_path / "out" / "csv")
    assert line["reason"] == "image_too_large" and "200x100" in line["message"]
    assert manifest.options["max_pixels"] == 19_999


def test_a_latin1_label_file_names_the_file_and_the_line(tmp_path):
    (tmp_path / "labels.csv").write_bytes("path,emotion\na.png,happy\nb\xe9.png,sad\n".encode("latin-1"))
    with pytest.raises(LayoutError, match=r"labels.csv: line 3, column 2: byte 0xe9 is not UTF-8"):
        get_source("csv")(tmp_path).check_layout()


@pytest.mark.parametrize(("options", "message"), [
    ({"num_shards": -1}, "--num-shards must be 1"), ({"num_shards": 0}, "--num-shards must be 1"),
    ({"image_size": 100_000}, "--image-size must be 8 to 1024"), ({"max_pixels": 0}, "--max-pixels"),
])
def test_impossible_options_fail_before_any_work(tmp_path, options, message):
    fixtures.write_csvlist(tmp_path / "raw")
    with pytest.raises(ValueError, match=message):
        prepare("csv", tmp_path / "raw", tmp_path / "out", **{"image_size": 16, **options})
    assert not (tmp_path / "out").exists()


def test_a_job_removes_its_temp_folders(tmp_path, monkeypatch):
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    fixtures.write_csvlist(tmp_path / "raw")
    prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert list((tmp_path / "tmp").iterdir()) == [] and tempfile.tempdir == str(tmp_path / "tmp")


KILLED_JOB = """
import sys, time
from facedata.pipeline import publish
real = publish.build_manifest
def slow(*args, **kwargs):
    print("building", flush=True)
    time.sleep(60)
publish.build_manifest = slow
from facedata.pipeline import prepare
prepare("csv", sys.argv[1], sys.argv[2], image_size=16)
"""


def test_a_run_after_kill_9_removes_the_stale_build_folder(tmp_path, caplog):
    fixtures.write_csvlist(tmp_path / "raw")
    job = subprocess.Popen([sys.executable, "-c", KILLED_JOB, str(tmp_path / "raw"), str(tmp_path / "out")],
                           stdout=subprocess.PIPE, text=True)
    assert job.stdout.readline().strip() == "building"  # the shards are written, the manifest is not
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    (stale,) = (tmp_path / "out").glob(".csv.building-*")
    old = tmp_path / "out" / ".csv.building-0123456789ab"  # the form of earlier versions, a day old
    old.mkdir()
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    with caplog.at_level("INFO", logger="facedata"):
        prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["csv"]
    assert f"removed {stale}" in caplog.text
