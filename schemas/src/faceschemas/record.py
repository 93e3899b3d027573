"""The on-disk training record: `tf.train.Example` feature keys and types, defined once.

Both the Beam writer (facedata) and the tf.data reader use these specs, so a key cannot drift
between writing and reading. Missing class labels are -1; missing continuous values are NaN.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.tasks import TASKS

MISSING_LABEL = -1

FeatureKind = Literal["bytes", "int64", "float"]


class FeatureSpec(FrozenModel):
    """One scalar feature of the Example: key, wire type, and the value meaning "absent"."""

    key: str
    kind: FeatureKind
    default: bytes | int | float
    description: str


IMAGE_ENCODED = "image/encoded"
IMAGE_FORMAT = "image/format"
IMAGE_HEIGHT = "image/height"
IMAGE_WIDTH = "image/width"
IMAGE_CHANNELS = "image/channels"
SAMPLE_ID = "sample/id"
SAMPLE_DATASET = "sample/dataset"


def label_key(task: str) -> str:
    """Feature key of a task's class label, e.g. `label/emotion`."""
    return f"label/{task}"


def value_key(name: str) -> str:
    """Feature key of a continuous value, e.g. `value/yaw`."""
    return f"value/{name}"


def _record_features() -> tuple[FeatureSpec, ...]:
    nan = float("nan")
    base = [
        FeatureSpec(key=IMAGE_ENCODED, kind="bytes", default=b"", description="Encoded face crop (JPEG or PNG)."),
        FeatureSpec(key=IMAGE_FORMAT, kind="bytes", default=b"jpeg", description="Encoding: jpeg or png."),
        FeatureSpec(key=IMAGE_HEIGHT, kind="int64", default=0, description="Crop height in pixels."),
        FeatureSpec(key=IMAGE_WIDTH, kind="int64", default=0, description="Crop width in pixels."),
        FeatureSpec(key=IMAGE_CHANNELS, kind="int64", default=0, description="1 (grey) or 3 (RGB)."),
        FeatureSpec(key=SAMPLE_ID, kind="bytes", default=b"", description="Stable id, unique in its dataset."),
        FeatureSpec(key=SAMPLE_DATASET, kind="bytes", default=b"", description="Dataset name."),
    ]
    labels = [
        FeatureSpec(
            key=label_key(name), kind="int64", default=MISSING_LABEL,
            description=f"Canonical {name} class index, {MISSING_LABEL} when unlabelled.",
        )
        for name in TASKS
    ]
    values = [
        FeatureSpec(key=value_key(v), kind="float", default=nan, description=f"{v}, NaN when unknown.")
        for spec in TASKS.values()
        for v in spec.continuous_values
    ]
    return tuple(base + labels + values)


RECORD_FEATURES: tuple[FeatureSpec, ...] = _record_features()
RECORD_FEATURES_BY_KEY = {f.key: f for f in RECORD_FEATURES}


class FaceBox(FrozenModel):
    """A face rectangle in pixel coordinates of the source image (x, y = top-left corner)."""

    x: float
    y: float
    w: float
    h: float


class CanonicalRecord(FrozenModel):
    """What a source adapter yields for one face, before decoding and cropping.

    Exactly one of `image_bytes` and `image_path` is set. Labels use canonical indices
    (`faceschemas.remaps`); tasks the dataset does not label are simply absent.
    """

    sample_id: str = Field(min_length=1)
    dataset: str
    split: str | None = Field(default=None, description="Official split, when the dataset has one.")
    image_path: str | None = None
    image_bytes: bytes | None = None
    box: FaceBox | None = None
    labels: dict[str, int] = Field(default_factory=dict)
    values: dict[str, float] = Field(default_factory=dict)
