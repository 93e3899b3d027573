"""Drawing a `Prediction` on its image: box, landmarks, and each task's label with probability."""

from __future__ import annotations

import cv2
import numpy as np

from faceschemas.prediction import FacePrediction, Prediction

# RGB colours of the original demo (spec 9.1 step 8; its pure blue and red lightened to read on
# the dark label background) plus one for smile; the order of the lines is the original's
# (emotion, age, gender, pose) with smile last.
COLOURS = {"emotion": (90, 160, 255), "age": (255, 90, 90), "gender": (0, 255, 0),
           "pose": (255, 255, 0), "smile": (255, 0, 255)}
ORDER = ("emotion", "age", "gender", "pose", "smile")
FONT = cv2.FONT_HERSHEY_SIMPLEX


def draw(rgb: np.ndarray, prediction: Prediction) -> np.ndarray:
    """A copy of `rgb` with every face of `prediction` drawn; sizes follow the image size."""
    out = rgb.copy()
    scale = max(0.45, min(out.shape[:2]) / 900)
    for face in prediction.faces:
        _draw_face(out, face, scale)
    return out


def face_lines(face: FacePrediction) -> list[tuple[str, str]]:
    """(task, text) per line: label, probability, smoothed label; `*` marks synthetic-trained
    models and `~` geometric estimates from landmarks."""
    lines = []
    if face.track_id is not None:
        lines.append(("", f"#{face.track_id}"))
    for task in ORDER:
        if task not in face.tasks:
            continue
        answer = face.tasks[task]
        label = answer.smoothed_label or answer.label
        prob = answer.probabilities[label]
        mark = "*" if answer.synthetic else "~" if answer.source == "landmarks" else ""
        text = f"{task}: {label} {prob:.2f}{mark}"
        if answer.value is not None:
            text += f" ({answer.value:+.0f} deg)"
        lines.append((task, text))
    return lines


def _draw_face(out: np.ndarray, face: FacePrediction, scale: float) -> None:
    x, y, w, h = face.box
    thick = max(1, round(2 * scale))
    cv2.rectangle(out, (x, y), (x + w, y + h), (255, 255, 255), thick)
    for px, py in (face.landmarks or {}).values():
        cv2.circle(out, (round(px), round(py)), max(2, round(3 * scale)), (0, 255, 255), -1)
    step = round(22 * scale)
    lines = face_lines(face)
    top = y - step * len(lines) if y - step * len(lines) > step else y + h + step
    for i, (task, text) in enumerate(lines):
        origin = (x, top + i * step)
        (tw, th), base = cv2.getTextSize(text, FONT, 0.6 * scale, thick)
        cv2.rectangle(out, (x - 2, origin[1] - th - 3), (x + tw + 2, origin[1] + base), (0, 0, 0), -1)
        cv2.putText(out, text, origin, FONT, 0.6 * scale, COLOURS.get(task, (255, 255, 255)), thick, cv2.LINE_AA)
