"""RunReport: the final, per-task result of a training or evaluation run."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from faceschemas.base import FrozenModel


class TaskMetrics(FrozenModel):
    """Metrics of one task on one dataset split (spec 8.1 [REC])."""

    task: str
    dataset: str
    split: str
    count: int = Field(ge=0)
    accuracy: float = Field(ge=0, le=1)
    mean_class_accuracy: float = Field(ge=0, le=1, description="Mean of per-class recalls over present classes.")
    confusion: list[list[int]] = Field(description="Rows: true class, columns: predicted class.")
    mae_years: float | None = Field(default=None, ge=0, description="Age only, when ages in years exist.")
    one_off_accuracy: float | None = Field(default=None, ge=0, le=1, description="Age groups: within one group.")
    ground_truth: str = Field(default="labels", description="labels, or hidden (built-in benchmark's full truth).")

    @model_validator(mode="after")
    def _square_confusion(self) -> TaskMetrics:
        n = len(self.confusion)
        if any(len(row) != n for row in self.confusion):
            raise ValueError("confusion must be square")
        if sum(map(sum, self.confusion)) != self.count:
            raise ValueError("confusion entries must add up to count")
        return self


class Timings(FrozenModel):
    train_seconds: float = Field(ge=0, default=0.0)
    eval_seconds: float = Field(ge=0, default=0.0)
    train_images_per_second: float | None = None


class RunReport(FrozenModel):
    """What `mtl train` and `mtl eval` write as report.json."""

    schema_version: int = 1
    run_id: str
    method: str
    paper_method: str
    preset: str | None = None
    tasks: tuple[str, ...]
    backbone: str
    seed: int
    created_at: datetime
    epochs_completed: int = Field(ge=0)
    best_epoch: int | None = None
    metrics: list[TaskMetrics]
    timings: Timings = Timings()
    versions: dict[str, str] = Field(default_factory=dict)

    def metric(self, task: str, dataset: str, split: str = "test") -> TaskMetrics:
        """The metrics of one task on one dataset split, or KeyError naming what exists."""
        for m in self.metrics:
            if (m.task, m.dataset, m.split) == (task, dataset, split):
                return m
        have = ", ".join(f"{m.task}@{m.dataset}/{m.split}" for m in self.metrics)
        raise KeyError(f"no {task}@{dataset}/{split} in report {self.run_id}; it has {have}")
