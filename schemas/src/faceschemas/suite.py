"""Experiment suites as data, and the compact record each finished run leaves in the repository.

A suite (`pipelines/suites/*.yaml`) is a list of runs: a method preset or strategy, tasks,
datasets, backbone, epochs and extra flags, each repeated over seeds. `mtl suite` resolves every
(run, seed) into an ExperimentConfig with the same flag resolver as `mtl train`, names it by a
hash of that config, skips it when its record exists, and otherwise trains it. A `RunRecord` (a
few kB of JSON under `docs/results/runs/<hash>.json`) keeps what the results page needs, so the
page can be re-rendered from the records alone and a suite can be run in parts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from faceschemas.base import FrozenModel
from faceschemas.report import RunReport


class SuiteRun(FrozenModel):
    """One line of a suite: a method on tasks and datasets; expanded over the suite's seeds."""

    name: str = Field(min_length=1, description="Row label in the results, e.g. 'SA-MTL'.")
    preset: str | None = None
    method: str | None = Field(default=None, description="stl, joint or alternative (when no preset).")
    tasks: str = Field(description="Task letters, e.g. EP or EPGA.")
    datasets: dict[str, str] = Field(default_factory=dict, description="Task -> dataset; defaults are the benchmark's.")
    backbone: str | None = None
    epochs: int | None = Field(default=None, ge=1)
    flags: list[str] = Field(default_factory=list, description="Extra `mtl train` flags, e.g. ['--unselected', 'drop'].")
    group: str = Field(default="main", description="Which table of the results page the run belongs to.")
    quick: bool = Field(default=False, description="Part of the --quick variant.")
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$",
                           description="A name other runs of the suite use to refer to this one (init_from).")
    init_from: str | None = Field(
        default=None, description="id of a run whose trunk initialises this one (`mtl train --init-from`), at the "
                                  "same seed; that run is trained first.")
    evaluate_on: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$")]] = Field(
        default_factory=list,
        description="Further datasets the finished run is scored on (`mtl eval --data`), e.g. the other tables' "
                    "datasets for a single-task run, so it has cross-domain columns; not part of the run's identity.")

    @model_validator(mode="after")
    def _method_or_preset(self) -> SuiteRun:
        if (self.preset is None) == (self.method is None):
            raise ValueError(f"run {self.name!r}: give exactly one of preset and method")
        return self


class QuickSettings(FrozenModel):
    """What `--quick` changes: the runs marked quick, one seed, a few short epochs."""

    epochs: int = Field(default=1, ge=1)
    steps_per_epoch: int | None = Field(default=4, ge=1)
    seeds: list[int] = Field(default_factory=lambda: [0])


class SuiteSpec(FrozenModel):
    """A whole suite file."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    backbone: str = "mini_xception"
    epochs: int = Field(default=8, ge=1)
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    flags: list[str] = Field(default_factory=list, description="Flags given to every run.")
    quick: QuickSettings = QuickSettings()
    runs: list[SuiteRun] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> SuiteSpec:
        seen: set[tuple[str, str, str]] = set()
        for run in self.runs:
            key = (run.name, run.tasks, run.group)
            if key in seen:
                raise ValueError(f"runs: {run.name!r} on {run.tasks} appears twice in group {run.group}")
            seen.add(key)
        ids = [run.id for run in self.runs if run.id]
        if len(ids) != len(set(ids)):
            raise ValueError(f"runs: an id appears twice ({', '.join(sorted({i for i in ids if ids.count(i) > 1}))})")
        earlier: set[str] = set()
        for run in self.runs:
            if run.init_from and run.init_from not in earlier:
                raise ValueError(f"run {run.name!r}: init_from {run.init_from!r} is not the id of an earlier run")
            if run.id:
                earlier.add(run.id)
        return self

    def run_by_id(self, run_id: str) -> tuple[int, SuiteRun]:
        """The position and run called `run_id`."""
        return next((i, run) for i, run in enumerate(self.runs) if run.id == run_id)


class Membership(FrozenModel):
    """A place of a run on a results page: suites may share a run (same config, same hash)."""

    suite: str
    name: str
    group: str = "main"
    position: int = Field(default=0, ge=0, description="The run's line in its suite file: row order on the page.")


class RunRecord(FrozenModel):
    """What a finished suite run leaves in the repository (docs/results/runs/<hash>.json)."""

    schema_version: int = 1
    memberships: list[Membership] = Field(min_length=1)
    config_hash: str
    config: dict[str, Any]
    report: RunReport
    epochs: list[dict[str, Any]] = Field(default_factory=list, description="Per-epoch learning curve and pseudo-label notes.")
    reliability: dict[str, list[tuple[float, float, int, float | None]]] = Field(
        default_factory=dict, description="Task -> (lower, upper, count, precision) weight bins of the last refresh.")
    wall_seconds: float | None = None


def config_hash(config: FrozenModel) -> str:
    """A short, stable hash of a config: the run's identity.

    Only the settings that differ from their defaults count (sorted-key JSON), so adding a new
    setting with a default to ExperimentConfig keeps every existing run's identity and record.
    """
    text = json.dumps(config.model_dump(mode="json", exclude_defaults=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
