"""`mtl demo image|folder|video`: outputs, one-line messages per bad input, and exit codes."""

from __future__ import annotations

import json

import cv2
import matplotlib.cbook
import numpy as np
import pytest

from faceschemas.prediction import Prediction
from mtl_tools.cli import main

PHOTO = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
# Haar keeps these tests fast; no --model: the real FER2013 preset (fetched on first use).
FAST = ("--detector", "haar")


def _mtl(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def _noise(err: str) -> list[str]:
    # TensorFlow's own start-up lines are not ours to judge.
    return [line for line in err.splitlines() if line and not line.startswith(("I0000", "W0000", "E0000", "WARNING: All"))]


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "notes.png").write_text("not a picture")
    cv2.imwrite(str(tmp_path / "wall.jpg"), np.full((120, 160, 3), 100, np.uint8))
    return tmp_path


def test_image_json_lines_and_annotated_files(capsys, inputs, tmp_path):
    status, out, err = _mtl(capsys, "demo", "image", PHOTO, str(inputs / "empty.jpg"), str(inputs / "notes.png"),
                            str(inputs / "wall.jpg"), "--json", "--out", str(tmp_path / "out"), *FAST)
    assert status == 0, err
    predictions = [Prediction.model_validate_json(line) for line in out.splitlines()]
    assert len(predictions) == 2 and len(predictions[0].faces) == 1 and not predictions[1].faces
    assert predictions[0].faces[0].tasks["emotion"].model == "mini_xception_fer2013"
    lines = _noise(err)
    assert any("empty.jpg: empty file" in line for line in lines)
    assert any("notes.png: not an image" in line for line in lines)
    assert any("wall.jpg: no face found" in line for line in lines)
    assert any(line.startswith("processed 2 of 4 image(s)") for line in lines)
    assert (tmp_path / "out" / "grace_hopper.annotated.jpg").is_file()


def test_nothing_processed_is_a_non_zero_exit(capsys, inputs):
    status, out, err = _mtl(capsys, "demo", "image", str(inputs / "empty.jpg"), str(inputs / "nothing.jpg"), *FAST)
    assert status == 1 and out == ""
    assert any("nothing.jpg: cannot read" in line for line in _noise(err))


@pytest.mark.parametrize("args, message", [
    (("--detector", "yunet"), "unknown face detector 'yunet'; known: "),
    (("--model", "no/such/model"), "no such model file or folder"),
])
def test_user_mistakes_are_one_line_and_exit_2(capsys, args, message):
    status, _, err = _mtl(capsys, "demo", "image", PHOTO, *args)
    lines = _noise(err)
    assert status == 2 and len(lines) == 1 and lines[0].startswith("mtl: error:") and message in lines[0], err


def test_folder_writes_one_line_per_face_and_a_summary(capsys, inputs, tmp_path):
    photo = cv2.imread(PHOTO)
    cv2.imwrite(str(inputs / "sub_hopper.png"), photo)
    cv2.imwrite(str(inputs / "hopper.jpg"), photo)
    results = tmp_path / "results.jsonl"
    status, _, err = _mtl(capsys, "demo", "folder", str(inputs), "--out", str(results), *FAST)
    assert status == 0, err
    lines = [Prediction.model_validate_json(line) for line in results.read_text().splitlines()]
    assert len(lines) == 2 and all(len(p.faces) == 1 for p in lines)
    assert any(line.startswith("processed 3 of 5 image(s), 2 face(s)") for line in _noise(err))


def test_video_streams_tracked_faces(capsys, tmp_path):
    face = cv2.resize(cv2.imread(PHOTO)[90:360, 135:390], (180, 180))
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (480, 240))
    for i in range(12):
        canvas = np.full((240, 480, 3), 120, np.uint8)
        canvas[30:210, 20 + 20 * i:200 + 20 * i] = face
        writer.write(canvas)
    writer.release()
    faces = tmp_path / "faces.jsonl"
    status, _, err = _mtl(capsys, "demo", "video", str(path), "--json-out", str(faces),
                          "--out", str(tmp_path / "annotated.mp4"), "--detect-every", "2", *FAST)
    assert status == 0, err
    lines = [Prediction.model_validate_json(line) for line in faces.read_text().splitlines()]
    assert len(lines) >= 10 and {p.faces[0].track_id for p in lines} == {1}
    assert (tmp_path / "annotated.mp4").stat().st_size > 5000
    assert any("12 frame(s)" in line for line in _noise(err))


def test_video_mistakes(capsys, tmp_path):
    status, _, err = _mtl(capsys, "demo", "video", *FAST)
    assert status == 2 and "give a video PATH or --webcam N" in err
    (tmp_path / "junk.mp4").write_bytes(b"\x00" * 5000)
    status, _, err = _mtl(capsys, "demo", "video", str(tmp_path / "junk.mp4"), *FAST)
    assert status == 1 and any("junk.mp4" in line for line in _noise(err))


def test_json_lines_are_plain_json(capsys):
    status, out, _ = _mtl(capsys, "demo", "image", PHOTO, "--json", *FAST)
    assert status == 0 and json.loads(out)["faces"][0]["detector"] == "haar"


@pytest.mark.slow
def test_folder_with_two_workers_gives_the_same_lines(capsys, tmp_path):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"hopper{i}.jpg"), cv2.imread(PHOTO))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert _mtl(capsys, "demo", "folder", str(tmp_path), "--out", str(one), *FAST)[0] == 0
    assert _mtl(capsys, "demo", "folder", str(tmp_path), "--out", str(two), "--workers", "2", *FAST)[0] == 0
    assert one.read_text() == two.read_text() and len(one.read_text().splitlines()) == 3


def test_an_empty_folder_is_a_non_zero_exit(capsys, tmp_path):
    (tmp_path / "photos").mkdir()
    status, _, err = _mtl(capsys, "demo", "folder", str(tmp_path / "photos"), "--out", str(tmp_path / "r.jsonl"))
    assert status == 1 and "no image files" in err
    status, _, err = _mtl(capsys, "demo", "folder", str(tmp_path / "absent"), "--out", str(tmp_path / "r.jsonl"))
    assert status == 2 and "not a folder" in err


def test_the_min_face_defaults_in_the_help_are_the_library_defaults(capsys):
    from facedemo.server import SERVE_MIN_FACE
    from facedemo.video import VIDEO_MIN_FACE

    status, out, _ = _mtl(capsys, "demo", "video", "--help")
    assert status == 0 and VIDEO_MIN_FACE == SERVE_MIN_FACE
    assert f"[default: {VIDEO_MIN_FACE} for video and serve, 0 for image and folder]" in " ".join(out.split())
