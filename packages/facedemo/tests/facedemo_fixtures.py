"""Helpers shared by the facedemo tests (a unique module name: test folders share sys.path).

Grace Hopper's portrait ships with matplotlib as sample data (a registry package: nothing is
downloaded and no photo is committed). Its face was marked by hand by looking at the picture:
from the left cheek to the right cheek x 165-360, from under the cap to the chin y 120-330.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib.cbook
import numpy as np

PHOTO = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
FACE = (165, 120, 360, 330)  # left, top, right, bottom: hand-marked
HAND_BOX = (FACE[0], FACE[1], FACE[2] - FACE[0], FACE[3] - FACE[1])


def face_crop(rgb: np.ndarray, size: int) -> np.ndarray:
    """The hand-marked face with a 30 px margin, resized to size x size."""
    left, top, right, bottom = FACE
    pad = 30
    return cv2.resize(rgb[top - pad:bottom + pad, left - pad:right + pad], (size, size),
                      interpolation=cv2.INTER_AREA)


def two_faces(rgb: np.ndarray, width: int = 900, height: int = 360, xs=(40, 560), face_size=300,
              face: np.ndarray | None = None) -> np.ndarray:
    """A grey background with two copies of the face pasted at `xs` (the second on top)."""
    face = face_crop(rgb, face_size) if face is None else face
    canvas = np.full((height, width, 3), 128, np.uint8)
    for x in xs:
        x = int(x)
        lo, hi = max(0, x), min(width, x + face_size)
        if hi > lo:
            canvas[30:30 + face_size, lo:hi] = face[:, lo - x:hi - x]
    return canvas


def crossing_video(path: Path, rgb: np.ndarray, frames: int = 40, size: tuple[int, int] = (640, 400),
                   face_size: int = 150) -> Path:
    """Writes a video of two copies of the face moving in opposite directions and crossing.

    Face A starts on the left (top row), face B on the right (lower row, drawn on top where they
    overlap); A ends on the right and B on the left.
    """
    width, height = size
    face = face_crop(rgb, face_size)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, size)
    span = width - face_size - 40
    for i in range(frames):
        canvas = np.full((height, width, 3), 110, np.uint8)
        t = i / (frames - 1)
        for x, y in ((20 + t * span, 30), (20 + (1 - t) * span, 200)):
            x = int(round(x))
            canvas[y:y + face_size, x:x + face_size] = face
        writer.write(cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    writer.release()
    return path
