"""OpenCV's Haar frontal-face cascade (Viola-Jones, Lienhart's stumps): the light detector.

This is the detector of the original demo (spec 9.1). It needs OpenCV 4.x: OpenCV 5 wheels have
neither `cv2.CascadeClassifier` nor `cv2.data.haarcascades` (pitfalls), so the package pins `<5`.
It gives no landmarks, so no alignment and no geometric pose with it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from facedemo.detectors import DETECTORS, Detection

CASCADE_FILE = "haarcascade_frontalface_default.xml"


@DETECTORS.register("haar")
class HaarDetector:
    """`detectMultiScale` on the grey image; the original used scale 1.3, we default to 1.1."""

    name = "haar"

    def __init__(self, scale_factor: float = 1.1, min_neighbors: int = 5, min_size: int = 24) -> None:
        folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
        if folder is None or not hasattr(cv2, "CascadeClassifier"):
            raise RuntimeError(f"OpenCV {cv2.__version__} ships no Haar cascades (needs opencv 4.x)")
        self._cascade = cv2.CascadeClassifier(str(Path(folder) / CASCADE_FILE))
        if self._cascade.empty():
            raise RuntimeError(f"cannot load {CASCADE_FILE} from {folder}")
        self.min_size = min_size
        self._settings = {"scaleFactor": scale_factor, "minNeighbors": min_neighbors,
                          "minSize": (min_size, min_size)}

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        # No histogram equalisation: on a clip with a flat, noisy background it made the cascade
        # 3-5x slower (more windows pass the early stages) for the same faces.
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        boxes = self._cascade.detectMultiScale(grey, **self._settings)
        return [Detection((float(x), float(y), float(w), float(h))) for x, y, w, h in boxes]
