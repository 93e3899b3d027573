"""DatasetManifest: what a preprocessing job wrote, written last so a partial job never looks done."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from faceschemas.base import FrozenModel
from faceschemas.layouts import DatasetLayout


class ImageSpec(FrozenModel):
    """Shape and encoding of every crop in the dataset."""

    height: int = Field(gt=0)
    width: int = Field(gt=0)
    channels: int = Field(description="1 (grey) or 3 (RGB).")
    encoding: str = Field(default="jpeg", description="jpeg or png.")

    @model_validator(mode="after")
    def _channels_supported(self) -> ImageSpec:
        if self.channels not in (1, 3):
            raise ValueError(f"channels must be 1 or 3, got {self.channels}")
        return self


class SplitStats(FrozenModel):
    """Per-split counts and statistics, used by `mtl data inspect --check`."""

    count: int = Field(ge=0)
    class_histograms: dict[str, list[int]] = Field(
        default_factory=dict, description="Per task: records per canonical class index."
    )
    missing_labels: dict[str, int] = Field(default_factory=dict, description="Per labelled task: records without a label.")
    pixel_mean: float | None = Field(default=None, description="Mean pixel value in [0, 255].")
    pixel_std: float | None = None
    value_ranges: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="Per continuous value: (min, max) over records that have it."
    )


class ShardInfo(FrozenModel):
    """One TFRecord file, relative to the dataset folder."""

    path: str
    split: str
    records: int = Field(ge=0)
    sha256: str = Field(min_length=64, max_length=64)


class DatasetManifest(FrozenModel):
    """The contract between preprocessing and every reader of a prepared dataset."""

    schema_version: int = 1
    name: str
    source_format: str = Field(description="Adapter that read the raw data (fer2013, aflw, synth, ...).")
    created_at: datetime
    toolkit_version: str
    tasks: tuple[str, ...] = Field(description="Tasks whose labels this dataset carries.")
    label_names: dict[str, tuple[str, ...]]
    image: ImageSpec
    splits: dict[str, SplitStats]
    shards: tuple[ShardInfo, ...]
    quarantined: int = Field(ge=0, default=0)
    quarantine_reasons: dict[str, int] = Field(default_factory=dict)
    quarantine_path: str = DatasetLayout.QUARANTINE
    hidden_truth_path: str | None = Field(
        default=None, description="Built-in benchmark only: file with every record's full attribute vector."
    )
    options: dict[str, str | int | float | bool | None] = Field(default_factory=dict, description="Job options.")

    @model_validator(mode="after")
    def _consistent(self) -> DatasetManifest:
        missing = set(self.tasks) - set(self.label_names)
        if missing:
            raise ValueError(f"label_names lacks tasks {sorted(missing)}")
        for split, stats in self.splits.items():
            in_shards = sum(s.records for s in self.shards if s.split == split)
            if in_shards != stats.count:
                raise ValueError(f"split {split!r}: count {stats.count} but its shards hold {in_shards}")
        return self

    def shard_paths(self, split: str) -> list[str]:
        """Shard paths of one split, relative to the dataset folder, in a stable order."""
        if split not in self.splits:
            raise ValueError(f"dataset {self.name!r} has no split {split!r}; it has {', '.join(self.splits)}")
        return sorted(s.path for s in self.shards if s.split == split)
