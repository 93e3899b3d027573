"""Fault injection (issue 3, "Bad input"): every kind of bad input is quarantined with its
reason, and every good record is still written."""

from __future__ import annotations

import facedata_fixtures as fixtures
import facedata_readback as readback
import pytest

from facedata.pipeline import QuarantineNotEmpty, prepare

CSV_ROWS = [  # (path, emotion, box "x,y,w,h" or "", expected reason or None)
    ("img/good1.jpg", "happy", "", None),
    ("img/good2.png", "0", "5,5,40,40", None),
    ("img/good3.jpg", "neutral", "-10,-10,30,30", None),  # partly outside: clamped, kept
    ("img/truncated.jpg", "sad", "", "undecodable_image"),
    ("img/empty.jpg", "sad", "", "empty_file"),
    ("img/text.jpg", "sad", "", "undecodable_image"),
    ("img/good1.jpg", "happy", "200,200,10,10", "box_outside_image"),
    ("img/good2.png", "happy", "5,5,0,20", "empty_box"),
    ("img/good1.jpg", "bored", "", "unknown_label"),
    ("img/missing.jpg", "fear", "", "missing_file"),
    ("img/dup.jpg", "fear", "", None),
    ("img/dup.jpg", "fear", "", "duplicate_id"),
    ("../outside.jpg", "fear", "", "path_escapes_dataset"),
]


def _write_bad_csv(root):
    for name, seed in (("good1.jpg", 1), ("good2.png", 2), ("good3.jpg", 3), ("dup.jpg", 4)):
        fixtures.write_image(root / "img" / name, 64, 64, seed=seed)
    jpeg = fixtures.image_bytes(64, 64, seed=5)
    (root / "img" / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (root / "img" / "empty.jpg").write_bytes(b"")
    (root / "img" / "text.jpg").write_text("this is not a JPEG")
    fixtures.write_image(root.parent / "outside.jpg", 32, 32)
    lines = ["path,emotion,x,y,w,h"]
    for path, emotion, box, _ in CSV_ROWS:
        lines.append(f"{path},{emotion},{box or ',,,'}")
    (root / "labels.csv").write_text("\n".join(lines) + "\n")


def test_csv_faults_are_quarantined_and_good_records_kept(tmp_path):
    _write_bad_csv(tmp_path / "raw")
    manifest = prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=32)
    good = {f"csv/{p}" + (f"#{b}" if b else "") for p, _, b, reason in CSV_ROWS if reason is None}
    assert set(readback.records(tmp_path / "out" / "csv")) == good
    want: dict[str, int] = {}
    for *_, reason in CSV_ROWS:
        if reason:
            want[reason] = want.get(reason, 0) + 1
    assert readback.reasons(tmp_path / "out" / "csv") == want == manifest.quarantine_reasons
    for line in readback.quarantine(tmp_path / "out" / "csv"):
        assert set(line) == {"source", "key", "reason", "message"} and line["message"]


def test_fer2013_row_faults(tmp_path):
    rows = [(0, fixtures.pixels(0), "Training"), (3, fixtures.pixels(1, count=2303), "Training"),
            (3, fixtures.pixels(2, high=301).replace(fixtures.pixels(2, high=301).split()[0], "300", 1), "Training"),
            (9, fixtures.pixels(3), "PublicTest"), (2, "1 2 x", "Training"), (6, fixtures.pixels(4), "PrivateTest")]
    fixtures.write_fer2013_csv(tmp_path / "raw", rows)
    prepare("fer2013", tmp_path / "raw", tmp_path / "out", image_size=16)
    assert set(readback.records(tmp_path / "out" / "fer2013")) == {"fer2013/00000", "fer2013/00005"}
    lines = {q["key"]: q["reason"] for q in readback.quarantine(tmp_path / "out" / "fer2013")}
    assert lines == {"row 3": "bad_pixel_count", "row 4": "pixel_out_of_range", "row 5": "unknown_label",
                     "row 6": "bad_pixels"}


def test_strict_fails_publishes_nothing_and_keeps_the_quarantine(tmp_path):
    _write_bad_csv(tmp_path / "raw")
    with pytest.raises(QuarantineNotEmpty, match="quarantined"):
        prepare("csv", tmp_path / "raw", tmp_path / "out", image_size=16, strict=True)
    assert not (tmp_path / "out" / "csv").exists()
    assert (tmp_path / "out" / "csv.quarantine.jsonl").read_text().count("\n") == sum(1 for r in CSV_ROWS if r[3])
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["csv.quarantine.jsonl"]


def test_escape_check_is_lexical_so_symlinked_image_folders_work(tmp_path):
    # Datasets often link their image folder from another disk: that must work, while `..`
    # and absolute paths in the label file are still refused.
    disk = tmp_path / "other_disk"
    fixtures.write_image(disk / "a.jpg", 40, 40, seed=1)
    fixtures.write_image(tmp_path / "secret.jpg", 40, 40, seed=2)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "img").symlink_to(disk, target_is_directory=True)
    (raw / "labels.csv").write_text(
        f"path,emotion\nimg/a.jpg,happy\nimg/../../secret.jpg,sad\n{tmp_path / 'secret.jpg'},sad\n")
    prepare("csv", raw, tmp_path / "out", image_size=32)
    assert set(readback.records(tmp_path / "out" / "csv")) == {"csv/img/a.jpg"}
    assert readback.reasons(tmp_path / "out" / "csv") == {"path_escapes_dataset": 2}
