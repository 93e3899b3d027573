"""Detect, crop and predict every task for the faces of one image or frame.

`FacePipeline.analyse_many` is the one place where crops are made and models called: one batch
per model (a compiled `tf.function`) for all the faces of an image, or of several images at once
(the server gathers concurrent requests this way), whatever the number of faces.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from facedemo.detectors import Detection, detect_faces, get_detector
from facedemo.geometry import POSE_LANDMARKS, clamp, crop, enlarge, eye_angle, landmark_yaw
from facedemo.models import DEFAULT_PRESET, FaceModel, load_face_model
from facedemo.settings import DemoSettings
from faceschemas.prediction import FacePrediction, Prediction, TaskPrediction
from faceschemas.tasks import TASKS, yaw_to_bin

LANDMARK_POSE = "landmarks-geometry"


@dataclasses.dataclass
class Answer:
    """One task's answer for one face, before it becomes a `TaskPrediction`."""

    probabilities: np.ndarray
    model: str
    source: str = "model"
    synthetic: bool = False
    value: float | None = None


class FacePipeline:
    """A detector and the models, built once; `process` turns an RGB image into a `Prediction`."""

    def __init__(self, settings: DemoSettings | None = None, models: list[FaceModel] | None = None) -> None:
        self.settings = settings or DemoSettings()
        self.detector = get_detector(self.settings.detector)
        if models is None:
            refs = self.settings.models or (DEFAULT_PRESET,)
            models = [load_face_model(ref, self.settings.models_dir, trust=self.settings.trust_models)
                      for ref in refs]
        self.models = models

    @property
    def model_names(self) -> str:
        return ",".join(m.name for m in self.models)

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Faces of `rgb`, found at the bounded working resolution, in full-size pixels."""
        found = detect_faces(self.detector, rgb, self.settings.max_side, self.settings.min_face)
        return [d for d in found if self.visible(rgb, d)]

    @staticmethod
    def visible(rgb: np.ndarray, det: Detection) -> bool:
        """True when the detection's box keeps at least 2x2 pixels inside the image."""
        _, _, w, h = clamp(det.box, rgb.shape[1], rgb.shape[0])
        return w > 1 and h > 1

    def analyse(self, rgb: np.ndarray, detections: list[Detection]) -> list[dict[str, Answer]]:
        """Every task's answer for each detection (same order); earlier models win a shared task."""
        return self.analyse_many([(rgb, detections)])[0]

    def analyse_many(self, images: list[tuple[np.ndarray, list[Detection]]]) -> list[list[dict[str, Answer]]]:
        """`analyse` for several images at once: the faces of all go through one call per model."""
        answers = [[{} for _ in detections] for _, detections in images]
        faces = [face for per_image in answers for face in per_image]
        if not faces:
            return answers
        for model in self.models:
            batch = np.stack([model.prepare(self._crop(rgb, d, model.size)) for rgb, dets in images for d in dets])
            for task, probs in model.predict(batch).items():
                for face, row in zip(faces, probs, strict=True):
                    face.setdefault(task, Answer(row, model.name, synthetic=model.synthetic))
        if self.settings.pose_from_landmarks:
            detections = [d for _, dets in images for d in dets]
            for face, det in zip(faces, detections, strict=True):
                if "pose" not in face and det.landmarks and det.landmarks.keys() >= POSE_LANDMARKS:
                    face["pose"] = _landmark_pose(det)
        return answers

    def _crop(self, rgb: np.ndarray, det: Detection, size: tuple[int, int]) -> np.ndarray:
        angle = eye_angle(det.landmarks) if self.settings.align and det.landmarks else 0.0
        return crop(rgb, enlarge(det.box, self.settings.margin), size, angle)

    def process(self, rgb: np.ndarray, source: str, frame: int | None = None) -> Prediction:
        """Detects and answers every face of `rgb` (an (H, W, 3) uint8 RGB image)."""
        detections = self.detect(rgb)
        answers = self.analyse(rgb, detections)
        faces = [self.face(rgb, d, a) for d, a in zip(detections, answers, strict=True)]
        return self.prediction(rgb, source, faces, frame)

    def face(self, rgb: np.ndarray, det: Detection, answers: dict[str, Answer],
             track_id: int | None = None, smoothed: dict[str, np.ndarray] | None = None) -> FacePrediction:
        """The contract for one face; `smoothed` probabilities give each task's smoothed label."""
        height, width = rgb.shape[:2]
        tasks = {task: task_prediction(task, answers[task], (smoothed or {}).get(task))
                 for task in TASKS if task in answers}
        return FacePrediction(box=clamp(det.box, width, height), detector=self.detector.name,
                              detector_score=det.score, landmarks=det.landmarks, track_id=track_id,
                              tasks=tasks)

    def prediction(self, rgb: np.ndarray, source: str, faces: list[FacePrediction],
                   frame: int | None = None) -> Prediction:
        return Prediction(source=source, frame=frame, model=self.model_names,
                          image_size=(int(rgb.shape[1]), int(rgb.shape[0])), faces=faces)


def task_prediction(task: str, answer: Answer, smoothed: np.ndarray | None = None) -> TaskPrediction:
    """A `TaskPrediction` from probabilities (renormalised: float32 sums drift by ~1e-7)."""
    names = TASKS[task].class_names
    probs = np.asarray(answer.probabilities, np.float64)
    probs = probs / probs.sum() if probs.sum() > 0 else np.full(len(names), 1.0 / len(names))
    index = int(np.argmax(probs))
    return TaskPrediction(
        label=names[index], index=index, probabilities={n: float(p) for n, p in zip(names, probs, strict=True)},
        smoothed_label=None if smoothed is None else names[int(np.argmax(smoothed))],
        model=answer.model, source=answer.source, synthetic=answer.synthetic, value=answer.value)


def _landmark_pose(det: Detection) -> Answer:
    yaw = landmark_yaw(det.landmarks)
    onehot = np.zeros(TASKS["pose"].num_classes)
    onehot[yaw_to_bin(yaw)] = 1.0
    return Answer(onehot, LANDMARK_POSE, source="landmarks", value=round(yaw, 1))
