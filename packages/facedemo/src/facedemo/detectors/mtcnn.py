"""MTCNN (Zhang et al. 2016) from the `mtcnn` package: the default detector, with five landmarks.

Its weights ship inside the wheel. `mtcnn` 1.0 builds its networks with `tf.keras`, which under
TF 2.21 is Keras 3; that runs in the same process as our tf-keras models (measured: MTCNN and a
tf-keras mini_xception alternating, both correct). Building it costs about 0.3 s and its first
call about 0.6 s, hence one instance per process (`get_detector`).
"""

from __future__ import annotations

import numpy as np

from facedemo.detectors import DETECTORS, Detection

# mtcnn names the eyes and mouth corners by the side of the *image* they are on.
LANDMARKS = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@DETECTORS.register("mtcnn")
class MtcnnDetector:
    """MTCNN's three stages (P-, R- and O-Net); faces below `min_score` are dropped."""

    name = "mtcnn"

    def __init__(self, min_face_size: int = 20, min_score: float = 0.9) -> None:
        import tensorflow as tf
        from mtcnn import MTCNN

        device = "GPU:0" if tf.config.list_physical_devices("GPU") else "CPU:0"
        self._net = MTCNN(device=device)
        self.min_size = min_face_size
        self._min_score = min_score

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        found = self._net.detect_faces(np.ascontiguousarray(rgb), min_face_size=self.min_size)
        detections = []
        for face in found:
            if float(face["confidence"]) < self._min_score:
                continue
            x, y, w, h = (float(v) for v in face["box"])
            marks = {k: (float(face["keypoints"][k][0]), float(face["keypoints"][k][1]))
                     for k in LANDMARKS if k in face.get("keypoints", {})}
            detections.append(Detection((x, y, w, h), float(face["confidence"]), marks or None))
        return detections
