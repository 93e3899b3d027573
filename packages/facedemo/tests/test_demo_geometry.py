"""Boxes, crops, alignment and the geometric yaw from five landmarks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from facedemo.geometry import clamp, crop, enlarge, eye_angle, iou, landmark_yaw
from faceschemas.tasks import yaw_to_bin


def test_enlarge_keeps_the_original_offsets_for_a_200_pixel_face():
    assert enlarge((100, 100, 200, 200)) == pytest.approx((80, 60, 240, 280))  # 20 and 40 px


def test_clamp_never_wraps_around():
    assert clamp((-30, -10, 100, 50), 64, 48) == (0, 0, 64, 40)
    assert clamp((500, 500, 10, 10), 64, 48)[2:] == (0, 0)


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(1 / 3)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0


def test_crop_size_and_empty_box():
    image = np.zeros((100, 120, 3), np.uint8)
    assert crop(image, (-20, -20, 80, 60), (64, 48)).shape == (48, 64, 3)
    with pytest.raises(ValueError, match="empty crop"):
        crop(image, (200, 200, 10, 10), (64, 64))


def test_alignment_levels_a_tilted_bar():
    # A horizontal bar rotated by 30 degrees comes out horizontal again.
    image = np.zeros((200, 200, 3), np.uint8)
    centre, half = np.array([100.0, 100.0]), 60
    d = np.array([math.cos(math.radians(30)), math.sin(math.radians(30))])
    a, b = (centre - half * d).astype(int), (centre + half * d).astype(int)
    import cv2

    cv2.line(image, tuple(map(int, a)), tuple(map(int, b)), (255, 255, 255), 5)
    angle = eye_angle({"left_eye": tuple(a), "right_eye": tuple(b)})
    assert angle == pytest.approx(30, abs=1)
    out = crop(image, (40, 40, 120, 120), (120, 120), angle)
    rows = np.nonzero(out[:, :, 0].max(axis=1) > 128)[0]
    assert rows.max() - rows.min() < 12  # a level bar spans a few rows only


def _face(nose_dx: float, roll: float = 0.0) -> dict[str, tuple[float, float]]:
    points = {"left_eye": (-30, -20), "right_eye": (30, -20), "nose": (nose_dx, 5),
              "mouth_left": (-25, 30), "mouth_right": (25, 30)}
    c, s = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    return {k: (100 + x * c - y * s, 100 + x * s + y * c) for k, (x, y) in points.items()}


@pytest.mark.parametrize("roll", [0, 25])
def test_landmark_yaw_sign_and_bins(roll):
    assert abs(landmark_yaw(_face(0, roll))) < 1
    # Nose towards image right: the face turned to the image right, positive yaw (tasks.py).
    assert yaw_to_bin(landmark_yaw(_face(12, roll))) == 1
    assert yaw_to_bin(landmark_yaw(_face(-12, roll))) == 2
    assert yaw_to_bin(landmark_yaw(_face(60, roll))) == 4
