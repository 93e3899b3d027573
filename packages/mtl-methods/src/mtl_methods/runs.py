"""The run folder (DESIGN.md "Outputs"): config first, metrics per epoch, report and model last."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from faceschemas.config import ExperimentConfig
from faceschemas.report import RunReport, TaskMetrics
from faceschemas.tasks import TASKS, task_letters


class RunFolder:
    """`runs/<timestamp>-<method>-<tasks>/` and the files in it."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    @classmethod
    def create(cls, root: str | os.PathLike, config: ExperimentConfig) -> RunFolder:
        """A fresh folder with config.json written before any training starts."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        run = cls(Path(root) / f"{stamp}-{config.method}-{task_letters(config.tasks)}")
        run.path.mkdir(parents=True, exist_ok=False)
        run.write_json("config.json", config.model_dump(mode="json"))
        return run

    def config(self) -> ExperimentConfig:
        """The run's config; ValueError when the folder is not a run folder."""
        path = self.path / "config.json"
        if not path.is_file():
            raise ValueError(f"{self.path}: not a run folder (no config.json)")
        return ExperimentConfig.model_validate_json(path.read_text())

    @property
    def checkpoints(self) -> Path:
        return self.path / "checkpoints"

    @property
    def best(self) -> Path:
        return self.path / "checkpoints" / "best"

    @property
    def tensorboard(self) -> Path:
        return self.path / "tensorboard"

    @property
    def model_path(self) -> Path:
        return self.path / "model.keras"

    def write_json(self, name: str, data: dict) -> None:
        """Writes atomically (temp file + rename) so a kill never leaves half a JSON file."""
        tmp = self.path / f".{name}.tmp"
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
        os.replace(tmp, self.path / name)

    def append_metrics(self, record: dict) -> None:
        with open(self.path / "metrics.jsonl", "a") as f:
            f.write(json.dumps(record, default=float) + "\n")

    def read_metrics(self) -> list[dict]:
        path = self.path / "metrics.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def truncate_metrics(self, epochs: int) -> None:
        """Drops lines of epochs >= `epochs` (written after the checkpoint a resume starts from)."""
        keep = [r for r in self.read_metrics() if r["epoch"] < epochs]
        self.write_text("metrics.jsonl", "".join(json.dumps(r) + "\n" for r in keep))

    def write_text(self, name: str, text: str) -> None:
        tmp = self.path / f".{name}.tmp"
        tmp.write_text(text)
        os.replace(tmp, self.path / name)

    def write_confusion(self, metrics: TaskMetrics, suffix: str = "") -> Path:
        """confusion/<split>_<task>_<dataset><suffix>.csv with class names on both axes."""
        folder = self.path / "confusion"
        folder.mkdir(exist_ok=True)
        path = folder / f"{metrics.split}_{metrics.task}_{Path(metrics.dataset).name}{suffix}.csv"
        names = TASKS[metrics.task].class_names
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["true\\pred", *names])
            for name, row in zip(names, metrics.confusion, strict=True):
                writer.writerow([name, *row])
        return path

    def write_report(self, report: RunReport, name: str = "report.json") -> None:
        self.write_json(name, report.model_dump(mode="json"))

    def read_report(self, name: str = "report.json") -> RunReport:
        path = self.path / name
        if not path.is_file():
            raise ValueError(f"{self.path}: no {name}; the run has not finished (mtl train --resume)")
        return RunReport.model_validate_json(path.read_text())
