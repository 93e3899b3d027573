"""Detectors on a real photograph: face counts and boxes against the hand-marked face."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from facedemo_fixtures import FACE, HAND_BOX, two_faces

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
