"""The demo's settings: one validated, frozen model shared by images, folders and video."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from facedemo.geometry import DEFAULT_MARGIN


class DemoSettings(BaseModel):
    """What a `FacePipeline` is built from (picklable, so folder workers can rebuild it).

    Attributes:
        models: run folders, `.keras` files, SavedModels or preset names; empty means the real
            FER2013 emotion preset.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    detector: str = "mtcnn"
    models: tuple[str, ...] = ()
    models_dir: str | None = None
    align: bool = Field(default=False, description="Rotate each crop so that the eyes are level.")
    max_side: int = Field(default=1024, ge=64, description="Longer side of the image the detector sees.")
    min_face: int | None = Field(default=None, ge=1, description=(
        "Smallest face wanted (full-size pixels); the detector sees the image shrunk until such a "
        "face fills its smallest window. None: every face the detector can find at max_side."))
    margin: tuple[float, float] = Field(default=DEFAULT_MARGIN, description="Box enlargement (x, y) per side.")
    trust_models: bool = Field(default=False, description="Load model files whose layers carry code.")
    pose_from_landmarks: bool = Field(default=True, description="Geometric yaw when no model answers pose.")

    @field_validator("detector")
    @classmethod
    def _known_detector(cls, name: str) -> str:
        from facedemo.detectors import DETECTORS

        DETECTORS.get(name)  # UnknownNameError (a ValueError) lists the known detectors
        return name
