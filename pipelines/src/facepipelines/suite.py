"""Runs an experiment suite: every (run, seed) of a suite file, in order, resumable and in parts.

Each (run, seed) is resolved into an ExperimentConfig by the same flag resolver as `mtl train`
and named by the hash of that config. A run is skipped when its record exists
(`<records>/<hash>.json`); a run folder that holds a report is recorded without training again;
an unfinished one is resumed (`mtl train --resume`); otherwise the run is trained. A finished run
is then scored on its line's `evaluate_on` datasets (`mtl eval --data`), and a recorded one that
lacks them is scored from its run folder. Training and scoring go through the real `mtl train`
and `mtl eval` in subprocesses, so each starts with a fresh TensorFlow.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from faceschemas.config import ExperimentConfig
from faceschemas.flags import resolve
from faceschemas.layouts import RunLayout
from faceschemas.report import RunReport
from faceschemas.suite import Membership, RunRecord, SuiteRun, SuiteSpec, config_hash

MTL = [sys.executable, "-m", "mtl_tools.cli"]
DEFAULT_RUNS_DIR = "runs/suites"
RECORD_DROP = ("seconds", "images_per_second", "learning_rate", "frozen")  # not needed on the page


@dataclass(frozen=True)
class PlannedRun:
    """One (run, seed) of a suite, resolved."""

    suite: str
    spec: SuiteRun
    seed: int
    argv: tuple[str, ...]
    config: ExperimentConfig
    hash: str
    position: int = 0  # the run's line in the suite file

    @property
    def folder_name(self) -> str:
        """Named from the config alone, so suites sharing a run share (and resume) its folder."""
        kind = re.sub(r"[^A-Za-z0-9]+", "-", self.config.preset or self.config.method).strip("-").lower()
        return f"{kind}-{self.spec.tasks}-s{self.seed}-{self.hash[:12]}"

    @property
    def title(self) -> str:
        return f"{self.spec.name} {self.spec.tasks} seed {self.seed}"


def load_suite(path: str | Path) -> SuiteSpec:
    """A validated suite file; ValueError naming the file and the first problem."""
    import yaml
    from pydantic import ValidationError

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
        return SuiteSpec.model_validate(data)
    except OSError as err:
        raise ValueError(f"{path}: cannot read the suite ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = "".join(f"{'.'.join(str(p) for p in first['loc'])}: " for _ in first["loc"][:1])
        raise ValueError(f"{path}: {where}{first['msg'].removeprefix('Value error, ')}") from None


def run_argv(suite: SuiteSpec, run: SuiteRun, seed: int, quick: bool) -> list[str]:
    """The `mtl train` flags of one (run, seed)."""
    epochs = suite.quick.epochs if quick else (run.epochs or suite.epochs)
    argv = ["--tasks", run.tasks, "--model", run.backbone or suite.backbone, "--epochs", str(epochs),
            "--seed", str(seed)]
    argv += ["--preset", run.preset] if run.preset else ["--method", run.method]
    for task, dataset in run.datasets.items():
        argv += [f"--dataset_{task}", dataset]
    if quick and suite.quick.steps_per_epoch:
        argv += ["--steps_per_epoch", str(suite.quick.steps_per_epoch)]
    return argv + list(suite.flags) + list(run.flags)


def plan(suite: SuiteSpec, seeds: int | None = None, quick: bool = False,
         groups: tuple[str, ...] = (), runs_dir: str | Path = DEFAULT_RUNS_DIR) -> list[PlannedRun]:
    """Every (run, seed) of the suite, seed by seed (a suite stopped early has every method of the
    first seeds), runs in file order; only the `groups` given, if any. A run that starts from
    another's trunk (`init_from`) comes after that run, which is planned too whatever its group.
    ValueError names a bad run."""
    chosen = suite.quick.seeds if quick else suite.seeds
    if seeds is not None:
        chosen = list(range(seeds))
    planned: dict[tuple[int, int], PlannedRun] = {}  # (seed, position) -> run, in training order
    for seed in chosen:
        for position, run in enumerate(suite.runs):
            if (quick and not run.quick) or (groups and run.group not in groups):
                continue
            _plan_one(suite, position, run, seed, quick, Path(runs_dir), planned)
    return list(planned.values())


def _plan_one(suite: SuiteSpec, position: int, run: SuiteRun, seed: int, quick: bool, runs_dir: Path,
              planned: dict[tuple[int, int], PlannedRun]) -> PlannedRun:
    if (seed, position) in planned:
        return planned[(seed, position)]
    argv = run_argv(suite, run, seed, quick)
    parent = None
    if run.init_from:
        parent_position, parent_run = suite.run_by_id(run.init_from)
        parent = _plan_one(suite, parent_position, parent_run, seed, quick, runs_dir, planned)
        argv += ["--init-from", str(runs_dir / parent.folder_name)]
    try:
        config = resolve(argv).config
    except ValueError as err:
        raise ValueError(f"suite {suite.name}, run {run.name!r} ({run.tasks}): {err}") from None
    # The parent's folder depends on --runs-dir; the run's identity must not, so it names the
    # parent by its hash.
    identity = config if parent is None else config.model_copy(update={"init_from": f"suite-run:{parent.hash}"})
    planned[(seed, position)] = PlannedRun(suite.name, run, seed, tuple(argv), config, config_hash(identity), position)
    return planned[(seed, position)]


def membership(planned: PlannedRun) -> Membership:
    return Membership(suite=planned.suite, name=planned.spec.name, group=planned.spec.group,
                      position=planned.position)


def record_of(planned: PlannedRun, folder: Path, wall_seconds: float | None) -> RunRecord:
    """The compact record of a finished run folder."""
    report = RunReport.model_validate_json((folder / RunLayout.REPORT).read_text())
    lines = (folder / RunLayout.METRICS).read_text().splitlines()
    epochs = [{k: v for k, v in json.loads(line).items() if k not in RECORD_DROP} for line in lines if line.strip()]
    config = json.loads((folder / RunLayout.CONFIG).read_text())
    return RunRecord(memberships=[membership(planned)], config_hash=planned.hash, config=config,
                     report=report, epochs=epochs, reliability=last_reliability(folder),
                     wall_seconds=wall_seconds)


def last_reliability(folder: Path, bins: int = 10) -> dict[str, list]:
    """Precision per weight bin of each task's newest pseudo-label table (needs the hidden truth)."""
    import pseudolabel

    tables = (folder / RunLayout.PSEUDO).glob(RunLayout.PSEUDO_TABLES)
    found = {}
    for task, path in pseudolabel.newest_tables(tables).items():
        columns = pseudolabel.read_weight_correct(path)
        if columns is not None:
            found[task] = pseudolabel.reliability(*columns, bins)
    return found


def add_membership(path: Path, planned: PlannedRun) -> bool:
    """Adds this suite's place to an existing record (a run shared by suites); True when it changed."""
    record = RunRecord.model_validate_json(path.read_text())
    mine = membership(planned)
    if mine in record.memberships:
        return False
    same_place = (mine.suite, mine.name, mine.group)
    others = [m for m in record.memberships if (m.suite, m.name, m.group) != same_place]
    write_record(record.model_copy(update={"memberships": [*others, mine]}), path.parent)
    return True  # a new place, or the same place at a new line of the suite file


def write_record(record: RunRecord, records: Path) -> Path:
    records.mkdir(parents=True, exist_ok=True)
    path = records / f"{record.config_hash}.json"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record.model_dump(mode="json"), indent=1, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def train_command(planned: PlannedRun, folder: Path, data_root: str | None) -> list[str]:
    """`mtl train` for a new run, or `--resume` for an unfinished folder."""
    root = ["--data-root", data_root] if data_root else []
    if folder.exists():
        return [*MTL, "train", "--resume", str(folder), *root]
    return [*MTL, "train", *planned.argv, "--runs-dir", str(folder.parent), "--run-name", folder.name, *root]


def unscored(planned: PlannedRun, report: RunReport) -> list[str]:
    """The datasets of the run's `evaluate_on` that its report has no test metric on."""
    scored = {Path(m.dataset).name for m in report.metrics if m.split == "test"}
    return [name for name in planned.spec.evaluate_on if name not in scored]


def score_command(folder: Path, datasets: list[str], data_root: str | None) -> list[str]:
    """`mtl eval` of a finished run folder on further datasets (it merges them into report.json)."""
    root = ["--data-root", data_root] if data_root else []
    return [*MTL, "eval", str(folder), *(arg for name in datasets for arg in ("--data", name)), *root]


def score(planned: PlannedRun, folder: Path, data_root: str | None) -> bool:
    """Scores a finished folder on the `evaluate_on` datasets its report lacks; False if that failed."""
    missing = unscored(planned, RunReport.model_validate_json((folder / RunLayout.REPORT).read_text()))
    # The per-metric lines of `mtl eval` would bury the suite's progress lines.
    return not missing or subprocess.run(score_command(folder, missing, data_root),
                                         stdout=subprocess.DEVNULL).returncode == 0


def rescore_record(planned: PlannedRun, folder: Path, path: Path, data_root: str | None) -> str:
    """Adds the `evaluate_on` metrics a record lacks (a suite line gained them after it was recorded)
    from its run folder's model; the status to print, empty when there was nothing to do."""
    record = RunRecord.model_validate_json(path.read_text())
    missing = unscored(planned, record.report)
    if not missing:
        return ""
    if not (folder / RunLayout.MODEL).is_file():
        return f"; not scored on {', '.join(missing)} (no finished run folder {folder})"
    if not score(planned, folder, data_root):
        return f"; scoring on {', '.join(missing)} FAILED"
    report = RunReport.model_validate_json((folder / RunLayout.REPORT).read_text())
    added = [m for m in report.metrics if Path(m.dataset).name in missing]
    if not added:  # it is scored again on the next suite run
        return f"; {', '.join(missing)} gave no metric (neither labels nor hidden truth for the run's tasks)"
    merged = record.report.model_copy(update={"metrics": [*record.report.metrics, *added]})
    write_record(record.model_copy(update={"report": merged}), path.parent)
    return f"; scored on {', '.join(missing)}"


class Progress:
    """`run i of n` lines with an estimate of the time left, from the runs trained so far."""

    def __init__(self, total: int, echo: Callable[[str], None]) -> None:
        self.total, self.echo, self.durations = total, echo, []

    def line(self, index: int, planned: PlannedRun, status: str) -> None:
        self.echo(f"[{index + 1}/{self.total}] {planned.title}: {status}")

    def left(self, remaining: int) -> str:
        if not self.durations or not remaining:
            return ""
        seconds = remaining * sum(self.durations) / len(self.durations)
        return f"; about {seconds / 60:.0f} min left for {remaining} run(s)"


def execute(planned: list[PlannedRun], runs_dir: Path, records: Path, data_root: str | None = None,
            echo: Callable[[str], None] = print) -> list[Path]:
    """Trains or skips every planned run, scores it on its `evaluate_on` datasets; returns the
    record paths.

    A failing run does not stop the others; RuntimeError at the end lists the failed ones.
    """
    progress = Progress(len(planned), echo)
    paths, failed = [], []
    for index, run in enumerate(planned):
        record = records / f"{run.hash}.json"
        folder = runs_dir / run.folder_name
        if record.is_file():
            shared = " (shared with another suite: added this one's place)" if add_membership(record, run) else ""
            scored = rescore_record(run, folder, record, data_root)
            progress.line(index, run, f"recorded ({record.name}), skipped{shared}{scored}")
        else:
            wall = None
            if not (folder / RunLayout.REPORT).is_file():
                progress.line(index, run, "training" if not folder.exists() else f"resuming {folder}")
                start = time.perf_counter()
                if subprocess.run(train_command(run, folder, data_root)).returncode != 0:
                    progress.line(index, run, f"FAILED (folder {folder}); going on with the others")
                    failed.append(run.title)
                    continue
                wall = time.perf_counter() - start
                progress.durations.append(wall)
            if not score(run, folder, data_root):
                progress.line(index, run, f"FAILED scoring on {', '.join(run.spec.evaluate_on)} (folder {folder})")
                failed.append(run.title)
                continue
            write_record(record_of(run, folder, wall), records)
            remaining = sum(1 for p in planned[index + 1:] if not (records / f"{p.hash}.json").is_file())
            progress.line(index, run, f"done{f' in {wall:.0f} s' if wall else ''}{progress.left(remaining)}")
        paths.append(record)
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(planned)} runs failed ({'; '.join(failed)}); "
                           "run the suite again to resume them")
    return paths
