"""Prediction: the demo's output for one image or video frame."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from faceschemas.base import FrozenModel


class TaskPrediction(FrozenModel):
    """One task's answer for one face."""

    label: str
    index: int = Field(ge=0)
    probabilities: dict[str, float] = Field(description="Class name -> probability, summing to 1.")
    smoothed_label: str | None = Field(default=None, description="Mode over the face's recent frames (video).")
    model: str | None = Field(
        default=None, description="The model (or estimator) that gave this answer; None: the image's `model`."
    )
    source: Literal["model", "landmarks"] = Field(
        default="model", description="`landmarks`: a geometric estimate from the detector's landmarks, not a model."
    )
    synthetic: bool = Field(
        default=False, description="The model was trained on synthetic faces only: not an estimate for real faces."
    )
    value: float | None = Field(default=None, description="A continuous estimate behind the class (e.g. yaw degrees).")

    @model_validator(mode="after")
    def _label_is_argmax(self) -> TaskPrediction:
        if self.label not in self.probabilities:
            raise ValueError(f"label {self.label!r} is not among the classes")
        total = sum(self.probabilities.values())
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"probabilities sum to {total:.4f}, not 1")
        return self


class FacePrediction(FrozenModel):
    """A detected face: its box in the image (pixels), the detector, and every task's answer."""

    box: tuple[int, int, int, int] = Field(description="x, y, width, height, clamped to the image.")
    detector: str
    detector_score: float | None = None
    landmarks: dict[str, tuple[float, float]] | None = Field(
        default=None, description="Named landmarks (x, y) in image pixels, when the detector gives them."
    )
    track_id: int | None = None
    tasks: dict[str, TaskPrediction]


class Prediction(FrozenModel):
    """All faces of one image or frame."""

    source: str
    frame: int | None = None
    model: str = Field(description="The model(s) that answered, comma-separated; per-task `model` says which gave what.")
    image_size: tuple[int, int] = Field(description="width, height of the input image.")
    faces: list[FacePrediction]
