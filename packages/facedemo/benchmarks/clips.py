"""Generated test clips for the benchmarks: a real face from an installed package, moved around.

Grace Hopper's portrait ships with matplotlib; its face region was marked by hand
(x 165-360, y 120-330; the same box as tests/facedemo_fixtures.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import matplotlib.cbook
import numpy as np

PHOTO = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
FACE = (165, 120, 360, 330)


def face_crop(size: int) -> np.ndarray:
    """The hand-marked face (BGR) with a 30 px margin, resized to size x size."""
    left, top, right, bottom = FACE
    return cv2.resize(cv2.imread(str(PHOTO))[top - 30:bottom + 30, left - 30:right + 30], (size, size),
                      interpolation=cv2.INTER_AREA)


def crossing_clip(path: Path, frames: int, size: tuple[int, int] = (640, 400), face_size: int = 150,
                  passes: int = 1) -> Path:
    """Two faces moving in opposite directions and crossing, `passes` times back and forth."""
    width, height = size
    face = face_crop(face_size)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, size)
    span = width - face_size - 40
    rng = np.random.default_rng(0)
    for i in range(frames):
        phase = (i / max(1, frames - 1)) * passes
        t = phase % 1.0 if int(phase) % 2 == 0 else 1.0 - phase % 1.0
        canvas = np.full((height, width, 3), 110, np.uint8)
        canvas += rng.integers(0, 6, canvas.shape, dtype=np.uint8)  # sensor-like noise
        for x, y in ((20 + t * span, 30), (20 + (1 - t) * span, 200)):
            x = int(round(x))
            canvas[y:y + face_size, x:x + face_size] = face
        writer.write(canvas)
    writer.release()
    return path


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
