"""Boxes and landmarks: enlarging and clamping, IoU, face crops (optionally eye-aligned), yaw.

Boxes are (x, y, w, h) in pixels, as in `faceschemas.prediction.FacePrediction`.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

Box = tuple[float, float, float, float]

# The original crops x-20 ... x+w+20, y-40 ... y+h+40 around a Haar box (spec 9.1 step 3): pixel
# offsets tuned for a webcam face about 200 px wide. We keep that shape as fractions of the box so
# that it holds at any face size: 20/200 of the width on each side, 40/200 of the height.
DEFAULT_MARGIN = (0.1, 0.2)


def enlarge(box: Box, margin: tuple[float, float] = DEFAULT_MARGIN) -> Box:
    """`box` grown by margin[0]·w left and right and margin[1]·h above and below."""
    x, y, w, h = box
    dx, dy = margin[0] * w, margin[1] * h
    return (x - dx, y - dy, w + 2 * dx, h + 2 * dy)


def clamp(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """Integer box inside a width x height image (never negative: spec 9.1 [BUG]); may be empty."""
    x0, y0 = max(0, math.floor(box[0])), max(0, math.floor(box[1]))
    x1 = min(width, math.ceil(box[0] + box[2]))
    y1 = min(height, math.ceil(box[1] + box[3]))
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes; 0 when either is empty."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def eye_angle(landmarks: dict[str, tuple[float, float]]) -> float:
    """Angle in degrees of the line from the image-left eye to the image-right eye (0 = level)."""
    (lx, ly), (rx, ry) = landmarks["left_eye"], landmarks["right_eye"]
    return math.degrees(math.atan2(ry - ly, rx - lx))


def crop(rgb: np.ndarray, box: Box, size: tuple[int, int], angle: float = 0.0) -> np.ndarray:
    """The region `box` (already enlarged) resized to size = (width, height).

    With `angle` (degrees, from `eye_angle`), the region is rotated about its centre by -angle
    first, so that the eyes end up level; pixels outside the image repeat the border. Without it
    the box is clamped to the image and resized, as the original did.
    """
    if abs(angle) < 1e-3:
        x, y, w, h = clamp(box, rgb.shape[1], rgb.shape[0])
        if w == 0 or h == 0:
            raise ValueError(f"empty crop for box {box}")
        patch = rgb[y:y + h, x:x + w]
        shrink = w > size[0] or h > size[1]
        return cv2.resize(patch, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    return cv2.warpAffine(rgb, _crop_matrix(box, size, angle), size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _crop_matrix(box: Box, size: tuple[int, int], angle: float) -> np.ndarray:
    # Output pixel = S·R(-angle)·(p - centre) + output centre, with S scaling the box to `size`.
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    theta = math.radians(-angle)
    rotation = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    linear = np.diag([size[0] / box[2], size[1] / box[3]]) @ rotation
    offset = np.array([size[0] / 2, size[1] / 2]) - linear @ np.array([cx, cy])
    return np.hstack([linear, offset[:, None]])


# Nose-tip depth in front of the eyes over the distance between the eyes, for an average adult
# (about 30 mm / 63 mm): a head turned by yaw moves the nose sideways by depth·sin(yaw) while the
# eyes' distance shrinks by cos(yaw), so offset / eye distance = NOSE_DEPTH · tan(yaw).
NOSE_DEPTH = 0.5


# The points `landmark_yaw` reads (MTCNN gives them; BlazeFace has no mouth corners).
POSE_LANDMARKS = frozenset({"left_eye", "right_eye", "nose", "mouth_left", "mouth_right"})


def landmark_yaw(landmarks: dict[str, tuple[float, float]]) -> float:
    """Geometric yaw estimate in degrees from five landmarks (positive: face turned to image right).

    The nose's offset from the centre of the eyes and mouth corners is measured along the eye line
    (so that roll does not count) and turned into an angle with the model above. A rough estimate:
    it ignores pitch and individual face shapes.
    """
    points = np.array([landmarks[k] for k in ("left_eye", "right_eye", "mouth_left", "mouth_right")])
    axis = np.array(landmarks["right_eye"]) - np.array(landmarks["left_eye"])
    eye_distance = float(np.linalg.norm(axis))
    if eye_distance < 1e-6:
        return 0.0
    offset = float(np.dot(np.array(landmarks["nose"]) - points.mean(axis=0), axis / eye_distance))
    return math.degrees(math.atan2(offset, NOSE_DEPTH * eye_distance))
