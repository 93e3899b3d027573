"""Generates the JSON Schemas of the public contracts into `schemas/json/`.

Run `python -m faceschemas.json_schemas schemas/json` after changing a contract; a test fails
when the committed files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from faceschemas.config import ExperimentConfig
from faceschemas.manifest import DatasetManifest
from faceschemas.prediction import Prediction
from faceschemas.record import CanonicalRecord
from faceschemas.report import RunReport
from faceschemas.suite import RunRecord, SuiteSpec
from faceschemas.tasks import TaskSpec

CONTRACTS: dict[str, type[BaseModel]] = {
    "experiment_config": ExperimentConfig,
    "dataset_manifest": DatasetManifest,
    "run_report": RunReport,
    "prediction": Prediction,
    "canonical_record": CanonicalRecord,
    "task_spec": TaskSpec,
    "suite": SuiteSpec,
    "run_record": RunRecord,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text of every contract."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in CONTRACTS.items()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Writes every schema into `folder` and returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas/json")):
        print(written_path)
