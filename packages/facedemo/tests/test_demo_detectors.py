"""Detectors on a real photograph: face counts and boxes against the hand-marked face."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from facedemo_fixtures import FACE, HAND_BOX, face_crop, two_faces

from facedemo.detectors import DETECTORS, Detection, detect_faces, get_detector, working_scale
from facedemo.geometry import iou


@pytest.mark.parametrize("name", DETECTORS.names())
def test_one_face_found_where_marked_by_hand(name, photo_rgb):
    found = detect_faces(get_detector(name), photo_rgb)
    assert len(found) == 1, found
    assert iou(found[0].box, HAND_BOX) > 0.5, found[0].box


@pytest.mark.parametrize("name", DETECTORS.names())
def test_two_pasted_faces_are_two_detections(name, photo_rgb):
    found = sorted(detect_faces(get_detector(name), two_faces(photo_rgb)), key=lambda d: d.box[0])
    assert len(found) == 2, found
    assert found[0].box[0] + found[0].box[2] < 450 < found[1].box[0]


def test_mtcnn_gives_five_landmarks_inside_the_face(photo_rgb):
    (face,) = detect_faces(get_detector("mtcnn"), photo_rgb)
    assert set(face.landmarks) == {"left_eye", "right_eye", "nose", "mouth_left", "mouth_right"}
    left, top, right, bottom = FACE
    assert all(left < x < right and top < y < bottom for x, y in face.landmarks.values())
    assert face.landmarks["left_eye"][0] < face.landmarks["right_eye"][0]  # named by image side


@pytest.mark.parametrize("name", DETECTORS.names())
def test_a_minimum_face_size_finds_the_same_faces_at_a_smaller_working_size(name, photo_rgb):
    # 48 px faces fill Haar's 24 px window at half size (MTCNN's 20 px at 0.42): the portrait's
    # 195 px face and the two pasted 300 px ones are still found, in full-size pixels.
    (face,) = detect_faces(get_detector(name), photo_rgb, min_face=48)
    assert iou(face.box, HAND_BOX) > 0.5, face.box
    found = sorted(detect_faces(get_detector(name), two_faces(photo_rgb), min_face=48), key=lambda d: d.box[0])
    assert len(found) == 2 and found[0].box[0] + found[0].box[2] < 450 < found[1].box[0], found


class _Spy:
    """A detector that records the size it was given and answers one box at its centre."""

    name = "spy"
    min_size = 24

    def __init__(self):
        self.seen = []

    def detect(self, rgb):
        self.seen.append(rgb.shape[:2])
        h, w = rgb.shape[:2]
        return [Detection((w / 4, h / 4, w / 2, h / 2), 1.0, {"nose": (w / 2, h / 2)})]


def test_big_images_are_detected_small_and_mapped_back():
    spy = _Spy()
    (det,) = detect_faces(spy, np.zeros((4000, 6000, 3), np.uint8), max_side=1000)
    assert spy.seen == [(667, 1000)]
    assert det.box == pytest.approx((1500, 1000, 3000, 2000), rel=0.01)
    assert det.landmarks["nose"] == pytest.approx((3000, 2000), rel=0.01)


def test_a_minimum_face_size_shrinks_the_image_and_maps_the_boxes_back():
    spy = _Spy()
    (det,) = detect_faces(spy, np.zeros((400, 640, 3), np.uint8), min_face=48)  # 24 px window: half size
    assert spy.seen == [(200, 320)]
    assert det.box == pytest.approx((160, 100, 320, 200)) and det.landmarks["nose"] == pytest.approx((320, 200))
    detect_faces(spy, np.zeros((4000, 6000, 3), np.uint8), max_side=1000, min_face=48)
    assert spy.seen[-1] == (667, 1000)  # the smaller of the two working sizes wins
    assert working_scale(400, 640, min_face=20, min_size=24) == 1.0  # never enlarged


def test_a_photo_enlarged_four_times_gives_the_same_face(photo_rgb):
    big = cv2.resize(photo_rgb, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    (face,) = detect_faces(get_detector("mtcnn"), big, max_side=1024)
    assert iou(tuple(v / 4 for v in face.box), HAND_BOX) > 0.5, face.box


def test_one_detector_per_process_and_unknown_names_listed():
    assert get_detector("haar") is get_detector("haar")
    with pytest.raises(ValueError, match="known: .*haar"):
        get_detector("yunet")


def test_blazeface_gives_six_keypoints_named_by_image_side(photo_rgb):
    (face,) = detect_faces(get_detector("blazeface"), photo_rgb)
    assert set(face.landmarks) == {"left_eye", "right_eye", "nose", "mouth", "left_ear", "right_ear"}
    left, top, right, bottom = FACE
    eyes_nose_mouth = [face.landmarks[k] for k in ("left_eye", "right_eye", "nose", "mouth")]
    assert all(left < x < right and top < y < bottom for x, y in eyes_nose_mouth)
    assert face.landmarks["left_eye"][0] < face.landmarks["nose"][0] < face.landmarks["right_eye"][0]
    assert face.landmarks["nose"][1] < face.landmarks["mouth"][1]


@pytest.mark.parametrize(("name", "smallest_found", "largest_missed"), [
    ("blazeface", 96, 64),        # short range: faces over about a tenth of the longer side
    ("blazeface_full", 32, None),  # full range: down to about a twentieth
])
def test_blazeface_range_on_a_640x480_picture(name, smallest_found, largest_missed, photo_rgb):
    def faces_found(size):
        canvas = np.full((480, 640, 3), 128, np.uint8)
        canvas[100:100 + size, 200:200 + size] = face_crop(photo_rgb, size)
        return detect_faces(get_detector(name), canvas)

    (face,) = faces_found(smallest_found)
    assert iou(face.box, (200 + 0.14 * smallest_found, 100 + 0.14 * smallest_found,
                          0.72 * smallest_found, 0.72 * smallest_found)) > 0.4, face.box
    if largest_missed:
        assert faces_found(largest_missed) == []


@pytest.mark.parametrize("name", ["blazeface", "blazeface_full"])
def test_blazeface_anchors_match_the_networks_outputs(name):
    from facedemo.detectors.blazeface import anchor_centres

    detector = get_detector(name)
    (regressors,) = [d for d in detector._net.get_output_details() if d["shape"][-1] == 16]
    assert len(anchor_centres(detector.model.size, detector.model.anchor_layers)) == regressors["shape"][1]


def test_weighted_nms_averages_overlapping_candidates_by_score_and_keeps_separate_faces():
    from facedemo.detectors.blazeface import weighted_nms

    boxes = np.array([[0.10, 0.10, 0.20, 0.20], [0.12, 0.10, 0.20, 0.20], [0.60, 0.60, 0.20, 0.20]])
    keypoints = np.stack([np.full((6, 2), v) for v in (0.1, 0.2, 0.7)])
    faces = weighted_nms(np.array([0.9, 0.3, 0.8]), boxes, keypoints)
    assert [score for score, _, _ in faces] == pytest.approx([0.9, 0.8])
    (_, merged, marks), (_, alone, _) = faces
    assert merged == pytest.approx([0.10 * 0.75 + 0.12 * 0.25, 0.10, 0.20, 0.20])
    assert marks == pytest.approx(np.full((6, 2), 0.1 * 0.75 + 0.2 * 0.25))
    assert alone == pytest.approx(boxes[2])


def test_a_blazeface_file_that_is_not_the_published_one_is_refused(tmp_path):
    from facedemo.detectors.blazeface import SHORT_RANGE, BlazeFaceDetector

    (tmp_path / SHORT_RANGE.filename).write_bytes(b"TFL3 not really a model")
    with pytest.raises(RuntimeError, match=rf"{SHORT_RANGE.filename}: SHA-256 .* not the pinned one"):
        BlazeFaceDetector(models_dir=tmp_path)
