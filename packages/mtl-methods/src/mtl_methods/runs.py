"""The run folder (DESIGN.md "Outputs"): config first, metrics per epoch, report and model last."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from faceschemas.config import ExperimentConfig
from faceschemas.layouts import RunLayout
from faceschemas.report import RunReport, TaskMetrics
from faceschemas.tasks import TASKS, task_letters

# A target refresh's diagnostics in a metrics.jsonl record: "pseudo/<task>/<images' dataset>/<metric>".
PSEUDO_PREFIX = "pseudo"


def pseudo_key(task: str, dataset: str, metric: str) -> str:
    """The metrics.jsonl key of one refresh diagnostic (`refresh` writes, `mtl pseudo` and the
    results page read)."""
    return f"{PSEUDO_PREFIX}/{task}/{dataset}/{metric}"


def refresh_diagnostics(record: dict) -> dict[tuple[str, str], dict]:
    """The refresh diagnostics of one metrics.jsonl record, per (task, images' dataset)."""
    found: dict[tuple[str, str], dict] = {}
    for key, value in record.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == PSEUDO_PREFIX:
            found.setdefault((parts[1], parts[2]), {})[parts[3]] = value
    return found


class RunFolder:
    """`runs/<timestamp>-<method>-<tasks>/` and the files in it."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    @classmethod
    def create(cls, root: str | os.PathLike, config: ExperimentConfig, name: str | None = None) -> RunFolder:
        """A fresh folder (`name`, or a timestamped one) with config.json written before training.

        Raises:
            ValueError: when a folder called `name` exists already (resume it instead).
        """
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        run = cls(Path(root) / (name or f"{stamp}-{config.method}-{task_letters(config.tasks)}"))
        if run.path.exists():
            raise ValueError(f"{run.path}: exists already; resume it with mtl train --resume {run.path}")
        run.path.mkdir(parents=True)
        run.write_json(RunLayout.CONFIG, config.model_dump(mode="json"))
        return run

    def config(self) -> ExperimentConfig:
        """The run's config; ValueError when the folder is not a run folder."""
        path = self.path / RunLayout.CONFIG
        if not path.is_file():
            raise ValueError(f"{self.path}: not a run folder (no {RunLayout.CONFIG})")
        return ExperimentConfig.model_validate_json(path.read_text())

    @property
    def checkpoints(self) -> Path:
        return self.path / RunLayout.CHECKPOINTS

    @property
    def best(self) -> Path:
        return self.path / RunLayout.CHECKPOINTS / RunLayout.BEST

    @property
    def tensorboard(self) -> Path:
        return self.path / RunLayout.TENSORBOARD

    @property
    def model_path(self) -> Path:
        return self.path / RunLayout.MODEL

    def write_json(self, name: str, data: dict) -> None:
        """Writes atomically (temp file + rename) so a kill never leaves half a JSON file."""
        tmp = self.path / f".{name}.tmp"
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
        os.replace(tmp, self.path / name)

    def append_metrics(self, record: dict) -> None:
        with open(self.path / RunLayout.METRICS, "a") as f:
            f.write(json.dumps(record, default=float) + "\n")

    def read_metrics(self) -> list[dict]:
        path = self.path / RunLayout.METRICS
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def truncate_metrics(self, epochs: int) -> None:
        """Drops lines of epochs >= `epochs` (written after the checkpoint a resume starts from)."""
        keep = [r for r in self.read_metrics() if r["epoch"] < epochs]
        self.write_text(RunLayout.METRICS, "".join(json.dumps(r) + "\n" for r in keep))

    def write_text(self, name: str, text: str) -> None:
        tmp = self.path / f".{name}.tmp"
        tmp.write_text(text)
        os.replace(tmp, self.path / name)

    def write_confusion(self, metrics: TaskMetrics, suffix: str = "") -> Path:
        """confusion/<split>_<task>_<dataset><suffix>.csv with class names on both axes."""
        folder = self.path / RunLayout.CONFUSION
        folder.mkdir(exist_ok=True)
        path = folder / f"{metrics.split}_{metrics.task}_{Path(metrics.dataset).name}{suffix}.csv"
        names = TASKS[metrics.task].class_names
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["true\\pred", *names])
            for name, row in zip(names, metrics.confusion, strict=True):
                writer.writerow([name, *row])
        return path

    @property
    def pseudo(self) -> Path:
        return self.path / RunLayout.PSEUDO

    def write_pseudo_table(self, epoch: int, task: str, parts: list[dict]) -> Path:
        """pseudo/epoch-NNN-<task>.csv: one row per sample of a target refresh (spec 8.4 [REC])."""
        self.pseudo.mkdir(exist_ok=True)
        path = self.pseudo / RunLayout.pseudo_table(epoch, task)
        columns = list(dict.fromkeys(c for part in parts for c in part))
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for part in parts:
                cells = [_csv_column(part.get(c), len(part["dataset"])) for c in columns]
                writer.writerows(zip(*cells, strict=True))
        os.replace(tmp, path)
        return path

    def pseudo_tables(self) -> list[Path]:
        """Every pseudo-label table of the run, oldest epoch first."""
        return sorted(self.pseudo.glob(RunLayout.PSEUDO_TABLES)) if self.pseudo.is_dir() else []

    def write_report(self, report: RunReport, name: str = RunLayout.REPORT) -> None:
        self.write_json(name, report.model_dump(mode="json"))

    def read_report(self, name: str = RunLayout.REPORT) -> RunReport:
        path = self.path / name
        if not path.is_file():
            raise ValueError(f"{self.path}: no {name}; the run has not finished (mtl train --resume)")
        return RunReport.model_validate_json(path.read_text())


def _csv_column(values, length: int) -> list:
    """Cells of one CSV column: ids decoded, floats shortened, a missing column left empty."""
    if values is None:
        return [""] * length
    out = []
    for value in values:
        if isinstance(value, bytes):
            out.append(value.decode(errors="replace"))
        elif isinstance(value, (float, np.floating)):
            out.append(f"{float(value):.6g}")
        elif isinstance(value, (bool, np.bool_)):
            out.append(int(value))
        else:
            out.append(value)
    return out
