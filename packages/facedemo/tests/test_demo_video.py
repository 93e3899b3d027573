"""Video: a generated clip of two faces crossing keeps both identities; bad videos are one line."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from facedemo_fixtures import crossing_video, face_crop

from facedemo import BadInputError, run_video
from facedemo.detectors import Detection
from facedemo.frames import FrameReader
from facedemo.tracking import IouTracker, Track, _search


@pytest.fixture(scope="module")
def clip(tmp_path_factory, photo_rgb):
    return crossing_video(tmp_path_factory.mktemp("video") / "crossing.avi", photo_rgb)


def _tracks_by_row(results):
    """Per frame: {row: track id}, row 0 for the top face (A) and 1 for the lower one (B)."""
    rows = []
    for result in results:
        rows.append({int(f.box[1] + f.box[3] / 2 > 200): f.track_id for f in result.prediction.faces})
    return rows


@pytest.mark.parametrize("detect_every", [1, 3])
def test_two_crossing_faces_keep_their_identities(clip, haar_pipeline, tmp_path, detect_every):
    out = tmp_path / "annotated.mp4"
    results = list(run_video(haar_pipeline, str(clip), out, detect_every=detect_every))
    assert len(results) == 40 and all(r.prediction for r in results)
    rows = _tracks_by_row(results)
    first, last = rows[0], rows[-1]
    assert set(first) == {0, 1} and set(last) == {0, 1}
    assert first == last, rows  # each row keeps the track it started with
    seen = sum(len(r) for r in rows)
    assert seen >= 0.9 * 80, seen
    faces = [f for r in results for f in r.prediction.faces]
    assert all(t.smoothed_label for f in faces for t in f.tasks.values())
    assert out.is_file() and out.stat().st_size > 10_000


def test_smoothing_is_per_track_only():
    a, b = Track(1, Detection((0, 0, 10, 10))), Track(2, Detection((50, 0, 10, 10)))
    happy, sad = np.eye(7)[3], np.eye(7)[4]
    for _ in range(3):
        a.smooth({"emotion": happy}, 10)
        b.smooth({"emotion": sad}, 10)
    assert np.argmax(a.smooth({"emotion": sad}, 10)["emotion"]) == 3  # 3 happy, 1 sad
    assert np.argmax(b.smooth({"emotion": sad}, 10)["emotion"]) == 4
    assert len(a.history["emotion"]) == 4
    for _ in range(20):
        a.smooth({"emotion": sad}, 10)
    assert len(a.history["emotion"]) == 10  # only the last k frames are kept


def test_tracker_forgets_lost_faces_and_numbers_new_ones():
    tracker = IouTracker(max_missed=2)
    (t1,) = tracker.update([Detection((0, 0, 50, 50))])
    for _ in range(3):
        tracker.update([])
    (t2,) = tracker.update([Detection((0, 0, 50, 50))])
    assert t2.id != t1.id and len(tracker.tracks) == 1


def test_corrupt_and_missing_videos_are_one_line(tmp_path, haar_pipeline):
    (tmp_path / "junk.mp4").write_bytes(np.random.default_rng(0).bytes(20_000))
    for path, reason in ((tmp_path / "junk.mp4", "cannot open|no frame"), (tmp_path / "none.mp4", "no such")):
        with pytest.raises(BadInputError, match=reason):
            list(run_video(haar_pipeline, str(path)))


def test_a_truncated_video_gives_the_frames_before_the_cut(clip, tmp_path, haar_pipeline):
    data = clip.read_bytes()
    (tmp_path / "cut.avi").write_bytes(data[: len(data) // 2])
    results = list(run_video(haar_pipeline, str(tmp_path / "cut.avi")))
    good = [r for r in results if r.prediction]
    assert 5 <= len(good) < 40


@pytest.mark.slow
def test_crossing_faces_with_mtcnn_and_landmark_pose(clip, mtcnn_pipeline):
    results = list(run_video(mtcnn_pipeline, str(clip), detect_every=2))
    rows = _tracks_by_row(results)
    assert rows[0] == rows[-1] and set(rows[0]) == {0, 1}
    faces = [f for r in results for f in r.prediction.faces]
    assert all(f.tasks["pose"].source == "landmarks" for f in faces if "pose" in f.tasks)


def test_corrupt_frames_inside_a_video_do_not_stop_it(clip, tmp_path, haar_pipeline):
    data = bytearray(clip.read_bytes())
    for start in (len(data) // 3, len(data) // 2):
        data[start:start + 3000] = bytes(3000)  # two frames' scans zeroed
    (tmp_path / "bad.avi").write_bytes(bytes(data))
    results = list(run_video(haar_pipeline, str(tmp_path / "bad.avi")))
    assert sum(r.prediction is not None for r in results) >= 35
    assert all(r.error is None or "frame" in r.error for r in results)


@pytest.mark.parametrize("size", [40, 150, 260])
def test_coarse_to_fine_matching_finds_the_face_where_a_full_search_does(photo_rgb, size):
    # The face pasted into a noisy window at a known offset; the coarse search alone would be
    # off by up to 1/scale pixels, the refinement must land on the exact corner.
    grey = cv2.cvtColor(face_crop(photo_rgb, size), cv2.COLOR_RGB2GRAY)
    window = np.random.default_rng(1).integers(90, 130, (2 * size, 2 * size), dtype=np.uint8)
    window[size // 3:size // 3 + size, size // 2 + 3:size // 2 + 3 + size] = grey
    assert _search(window, grey) == (size // 2 + 3, size // 3)
    assert _search(np.full_like(window, 100), grey) is None  # nothing like it: no match


def _read_all(read) -> list[np.ndarray]:
    frames = []
    ok, bgr = read()
    while ok:
        frames.append(bgr)
        ok, bgr = read()
    return frames


def test_frames_read_ahead_are_the_frames_in_order(clip):
    capture = cv2.VideoCapture(str(clip))
    direct = _read_all(capture.read)
    capture.release()
    capture = cv2.VideoCapture(str(clip))
    reader = FrameReader(capture)
    ahead = _read_all(reader.read)
    reader.close()
    capture.release()
    assert len(ahead) == len(direct) == 40 and all(np.array_equal(a, b) for a, b in zip(ahead, direct, strict=True))


def test_stopping_early_stops_the_reading_thread(clip, haar_pipeline):
    for _ in run_video(haar_pipeline, str(clip), max_frames=2):
        pass
    stream = run_video(haar_pipeline, str(clip))
    next(stream)
    stream.close()  # the caller stops after one frame
    assert not [t for t in threading.enumerate() if t.name == "facedemo-frames"]
