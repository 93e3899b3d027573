"""Face detectors: one file each in this folder, registered in `DETECTORS` by name.

A detector is a class whose instances have `name`, `min_size` (the smallest face it finds, in the
pixels it is given) and `detect(rgb) -> list[Detection]`, boxes and landmarks in the pixels of the
image it was given. `detect_faces` runs one at a bounded working resolution and maps its answers
back; `get_detector` keeps one instance per process and setting, because building MTCNN's
networks and its first call cost about a second.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

import cv2
import numpy as np

from faceschemas.registry import Registry, discover


@dataclasses.dataclass(frozen=True)
class Detection:
    """A face as a detector sees it: box (x, y, w, h) in pixels, score, named landmarks."""

    box: tuple[float, float, float, float]
    score: float | None = None
    landmarks: dict[str, tuple[float, float]] | None = None

    def scaled(self, factor: float) -> Detection:
        """The same detection in an image `factor` times as large."""
        box = tuple(v * factor for v in self.box)
        marks = None if self.landmarks is None else {
            k: (x * factor, y * factor) for k, (x, y) in self.landmarks.items()}
        return Detection(box, self.score, marks)  # type: ignore[arg-type]


class Detector(Protocol):
    name: str
    min_size: int | None  # None: it sees every image at its own input size (BlazeFace)

    def detect(self, rgb: np.ndarray) -> list[Detection]: ...


DETECTORS: Registry[type] = Registry("face detector")
DEFAULT_DETECTOR = "mtcnn"
# Working resolution: the longer side of the image the detector sees. Faces smaller than about
# 20 px at this size (2% of the side) are missed; a 24-megapixel photo is detected at 1.5% of its
# pixels.
DEFAULT_MAX_SIDE = 1024

_ALIVE: dict[tuple, Detector] = {}


def get_detector(name: str = DEFAULT_DETECTOR, **settings) -> Detector:
    """The process's one detector called `name` with `settings` (built on first use)."""
    key = (name, tuple(sorted(settings.items())))
    if key not in _ALIVE:
        _ALIVE[key] = DETECTORS.get(name)(**settings)
    return _ALIVE[key]


def working_scale(height: int, width: int, max_side: int | None = DEFAULT_MAX_SIDE, min_face: int | None = None,
                  min_size: int | None = None) -> float:
    """The factor (at most 1) by which an image is shrunk before detection.

    The longer side becomes at most `max_side`; with `min_face` (the smallest face wanted, in
    full-size pixels) and the detector's `min_size`, the image is also shrunk until a `min_face`
    face just fills the detector's smallest window: smaller faces are not wanted, so the detector
    need not look at the pixels that only they would need.
    """
    factor = 1.0
    if max_side:
        factor = min(factor, max_side / max(height, width))
    if min_face and min_size:
        factor = min(factor, min_size / min_face)
    return factor


def detect_faces(detector: Detector, rgb: np.ndarray, max_side: int | None = DEFAULT_MAX_SIDE,
                 min_face: int | None = None) -> list[Detection]:
    """Runs `detector` on `rgb` shrunk by `working_scale`; the answers in full-size pixels."""
    height, width = rgb.shape[:2]
    factor = working_scale(height, width, max_side, min_face, getattr(detector, "min_size", None))
    if factor >= 1.0:
        return detector.detect(rgb)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return [d.scaled(1.0 / factor) for d in detector.detect(small)]


discover(__name__)

__all__ = ["DEFAULT_DETECTOR", "DEFAULT_MAX_SIDE", "DETECTORS", "Detection", "Detector", "detect_faces",
           "get_detector", "working_scale"]
