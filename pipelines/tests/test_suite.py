"""Experiment suites as data: validation, planning by config hash, skipping and resuming."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from facepipelines import suite as suites
from faceschemas.report import RunReport, TaskMetrics
from faceschemas.suite import Membership, RunRecord

SUITES = Path(__file__).resolve().parents[1] / "suites"

SMALL = """
name: small
epochs: 3
seeds: [0, 1]
flags: [--batch_size, "16"]
quick: {epochs: 1, steps_per_epoch: 2, seeds: [0]}
runs:
  - {name: All-in-one, preset: all-in-one, tasks: EP, group: EP, quick: true}
  - {name: SA-MTL, preset: sa-mtl, tasks: EP, group: EP}
  - {name: STL, method: stl, tasks: E, datasets: {emotion: synth_expw}, group: stl}
"""


def write(tmp_path, text, name="small.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in SUITES.glob("*.yaml")))
def test_every_shipped_suite_loads_and_every_run_resolves(name):
    planned = suites.plan(suites.load_suite(SUITES / name))
    assert planned and len({p.folder_name for p in planned}) == len({p.hash for p in planned})
    assert suites.plan(suites.load_suite(SUITES / name), quick=True)  # a quick variant exists


def test_runs_shared_by_suites_have_one_hash():
    paper = {(p.spec.name, p.spec.tasks, p.seed): p.hash for p in suites.plan(suites.load_suite(SUITES / "paper.yaml"))}
    ablation = {(p.spec.name, p.spec.tasks, p.seed): p.hash
                for p in suites.plan(suites.load_suite(SUITES / "ablation.yaml"))}
    assert ablation[("SA-MTL", "EP", 0)] == paper[("SA-MTL", "EP", 0)] == ablation[("EMD (SA-MTL)", "EP", 0)]
    assert ablation[("SA-MTL", "EPGA", 1)] == paper[("SA-MTL", "EPGA", 1)]
    assert ablation[("confidence only", "EP", 0)] != paper[("SA-MTL", "EP", 0)]
    assert ablation[("SA-MTL, 36 epochs", "EPGA", 0)] != paper[("SA-MTL", "EPGA", 0)]


def test_plan_expands_seeds_and_the_quick_variant(tmp_path):
    spec = suites.load_suite(write(tmp_path, SMALL))
    full = suites.plan(spec)
    assert [(p.spec.name, p.seed) for p in full] == [("All-in-one", 0), ("SA-MTL", 0), ("STL", 0),
                                                      ("All-in-one", 1), ("SA-MTL", 1), ("STL", 1)]
    assert len({p.hash for p in full}) == 6 and full[0].hash == suites.plan(spec)[0].hash
    assert full[3].config.seed == 1 and full[2].config.training.epochs == 3
    assert [p.spec.name for p in suites.plan(spec, groups=("stl",))] == ["STL", "STL"]
    quick = suites.plan(spec, quick=True)
    assert [(p.spec.name, p.seed) for p in quick] == [("All-in-one", 0)]
    assert quick[0].config.training.steps_per_epoch == 2 and quick[0].hash != full[0].hash
    assert [p.seed for p in suites.plan(spec, seeds=3)][::3] == [0, 1, 2]


TRANSFER = """
name: transfer
epochs: 2
seeds: [0, 1]
quick: {epochs: 1, steps_per_epoch: 2}
runs:
  - {id: pre, name: MTL GAP, preset: all-in-one, tasks: GAP, group: pretrain}
  - {name: STL E, method: stl, tasks: E, datasets: {emotion: synth_expw}, group: transfer, quick: true}
  - {name: E from MTL, method: stl, tasks: E, datasets: {emotion: synth_expw}, init_from: pre, group: transfer, quick: true}
"""


def test_a_run_that_starts_from_another_comes_after_it_and_names_its_folder(tmp_path):
    spec = suites.load_suite(write(tmp_path, TRANSFER))
    planned = suites.plan(spec, runs_dir=tmp_path / "runs")
    assert [(p.spec.name, p.seed) for p in planned] == [
        ("MTL GAP", 0), ("STL E", 0), ("E from MTL", 0), ("MTL GAP", 1), ("STL E", 1), ("E from MTL", 1)]
    parent, child = planned[3], planned[5]
    assert child.config.init_from == str(tmp_path / "runs" / parent.folder_name)
    assert planned[1].config.init_from is None and planned[1].hash != planned[2].hash
    # The run's identity names its parent by hash, not by the folder: another --runs-dir, same hash.
    elsewhere = suites.plan(spec, runs_dir="/somewhere/else")
    assert [p.hash for p in elsewhere] == [p.hash for p in planned]
    # Asking for the transfer group (or the quick variant) alone still trains the parent first.
    only = suites.plan(spec, groups=("transfer",), runs_dir=tmp_path)
    assert [p.spec.name for p in only[:3]] == ["STL E", "MTL GAP", "E from MTL"]
    quick = suites.plan(spec, quick=True, runs_dir=tmp_path)
    assert [p.spec.name for p in quick] == ["STL E", "MTL GAP", "E from MTL"]
    assert quick[1].config.training.steps_per_epoch == 2


@pytest.mark.parametrize("text,message", [
    ("name: x\nruns: [", "not valid YAML"),
    ("name: x\nruns: [{name: a, tasks: EP}]", "give exactly one of preset and method"),
    ("name: x\nrunz: []", "runs: Field required"),
    ("name: x\nruns: [{name: a, preset: sa-mtl, tasks: EP}, {name: a, preset: dml-lwf, tasks: EP}]", "appears twice in group main"),
    ("name: x\nruns: [{name: a, preset: sa-mtl, tasks: EP, init_from: b}, {id: b, name: b, method: stl, tasks: E}]",
     "init_from 'b' is not the id of an earlier run"),
    ("name: x\nruns: [{id: a, name: a, method: stl, tasks: E}, {id: a, name: b, method: stl, tasks: P}]",
     "an id appears twice (a)"),
])
def test_bad_suite_files_are_one_line_naming_the_file(tmp_path, text, message):
    path = write(tmp_path, text, "bad.yaml")
    with pytest.raises(ValueError) as err:
        suites.load_suite(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value) and "\n" not in str(err.value)


def test_a_run_the_resolver_refuses_names_the_run(tmp_path):
    spec = suites.load_suite(write(tmp_path, "name: x\nruns: [{name: odd, preset: sa-mtl, tasks: EP, flags: [--epochz, '1']}]"))
    with pytest.raises(ValueError, match=r"run 'odd' \(EP\): --epochz: unknown flag"):
        suites.plan(spec)


def _finish(folder: Path, planned) -> None:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(planned.config.model_dump(mode="json")))
    (folder / "metrics.jsonl").write_text(json.dumps({"epoch": 0, "val_score": 0.5, "seconds": 1.0}) + "\n")
    report = RunReport(run_id=folder.name, method=planned.config.method, paper_method="x", tasks=("emotion", "pose"),
                       backbone="mini_xception", seed=planned.seed, created_at=datetime.now(timezone.utc),
                       epochs_completed=1, metrics=[])
    (folder / "report.json").write_text(report.model_dump_json())


def test_recorded_runs_are_skipped_and_finished_folders_recorded_without_training(tmp_path, monkeypatch):
    planned = suites.plan(suites.load_suite(write(tmp_path, SMALL)), seeds=1)[:2]
    runs, records = tmp_path / "runs", tmp_path / "records"
    _finish(runs / planned[0].folder_name, planned[0])  # finished, not yet recorded
    recorded = suites.record_of(planned[1], _made(runs, planned[1]), None)
    other = recorded.model_copy(update={"memberships": [Membership(suite="other", name="A", group="g")]})
    suites.write_record(other, records)  # recorded by another suite
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("nothing should be trained"))
    lines = []
    paths = suites.execute(planned, runs, records, echo=lines.append)
    assert [p.name for p in paths] == [f"{planned[0].hash}.json", f"{planned[1].hash}.json"]
    first = RunRecord.model_validate_json(paths[0].read_text())
    assert first.memberships == [Membership(suite="small", name="All-in-one", group="EP")]
    assert first.epochs == [{"epoch": 0, "val_score": 0.5}]  # timings are not kept
    second = RunRecord.model_validate_json(paths[1].read_text())
    assert [m.suite for m in second.memberships] == ["other", "small"]
    assert lines[0].startswith("[1/2] All-in-one EP seed 0: done") and "skipped (shared" in lines[1]


def test_a_failing_run_does_not_stop_the_others(tmp_path, monkeypatch):
    planned = suites.plan(suites.load_suite(write(tmp_path, SMALL)), seeds=1)[:2]
    runs = tmp_path / "runs"

    def fake_train(command, **_):
        folder = runs / command[command.index("--run-name") + 1]
        if "sa-mtl" in command:
            return subprocess.CompletedProcess(command, 1)
        _finish(folder, planned[0])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", fake_train)
    with pytest.raises(RuntimeError, match=r"1 of 2 runs failed \(SA-MTL EP seed 0\)"):
        suites.execute(planned, runs, tmp_path / "records", echo=lambda m: None)
    assert (tmp_path / "records" / f"{planned[0].hash}.json").is_file()


def _made(runs, planned):
    folder = runs / "elsewhere" / planned.folder_name
    _finish(folder, planned)
    return folder


def test_unfinished_folders_are_resumed_and_new_runs_named(tmp_path):
    planned = suites.plan(suites.load_suite(write(tmp_path, SMALL)))[0]
    folder = tmp_path / "runs" / planned.folder_name
    new = suites.train_command(planned, folder, "data/x")
    assert new[-6:] == ["--runs-dir", str(folder.parent), "--run-name", folder.name, "--data-root", "data/x"]
    folder.mkdir(parents=True)
    assert suites.train_command(planned, folder, None)[-2:] == ["--resume", str(folder)]


SCORED = """
name: scored
epochs: 1
seeds: [0]
runs:
  - {name: STL, method: stl, tasks: E, datasets: {emotion: synth_expw}, group: stl, evaluate_on: [synth_aflw]}
"""


def _hidden(dataset: str) -> TaskMetrics:
    return TaskMetrics(task="emotion", dataset=dataset, split="test", count=2, accuracy=0.5,
                       mean_class_accuracy=0.5, confusion=[[1, 1], [0, 0]], ground_truth="hidden")


class FakeMtl:
    """Stands in for the `mtl train` / `mtl eval` subprocesses: finishes or scores the folder it
    is given (eval adds a hidden-truth metric per --data, as the real one merges into report.json)."""

    def __init__(self, planned, runs: Path, eval_fails: bool = False, eval_finds: bool = True) -> None:
        self.planned, self.runs, self.commands = planned, runs, []
        self.eval_fails, self.eval_finds = eval_fails, eval_finds

    def __call__(self, command, **_):
        self.commands.append(command)
        if "train" in command:
            _finish(self.runs / command[command.index("--run-name") + 1], self.planned)
            return subprocess.CompletedProcess(command, 0)
        if self.eval_fails:
            return subprocess.CompletedProcess(command, 1)
        report_path = Path(command[command.index("eval") + 1]) / "report.json"
        report = RunReport.model_validate_json(report_path.read_text())
        added = [_hidden(command[i + 1]) for i, arg in enumerate(command) if arg == "--data" and self.eval_finds]
        report_path.write_text(report.model_copy(update={"metrics": [*report.metrics, *added]}).model_dump_json())
        return subprocess.CompletedProcess(command, 0)


def _finished_with_model(tmp_path):
    """The SCORED suite's run, finished in its folder (with a model file), not yet recorded."""
    planned = suites.plan(suites.load_suite(write(tmp_path, SCORED)))
    runs, records = tmp_path / "runs", tmp_path / "records"
    folder = runs / planned[0].folder_name
    _finish(folder, planned[0])
    (folder / "model.keras").write_bytes(b"model")
    return planned, runs, records, folder


def test_a_trained_run_is_scored_on_its_evaluate_on_datasets_before_it_is_recorded(tmp_path, monkeypatch):
    planned = suites.plan(suites.load_suite(write(tmp_path, SCORED)))
    runs, records = tmp_path / "runs", tmp_path / "records"
    fake = FakeMtl(planned[0], runs)
    monkeypatch.setattr(subprocess, "run", fake)
    [path] = suites.execute(planned, runs, records, "data/x", echo=lambda m: None)
    assert [c[c.index("mtl_tools.cli") + 1] for c in fake.commands] == ["train", "eval"]
    assert fake.commands[1][-5:] == [str(runs / planned[0].folder_name), "--data", "synth_aflw", "--data-root", "data/x"]
    report = RunRecord.model_validate_json(path.read_text()).report
    assert [(m.dataset, m.ground_truth) for m in report.metrics] == [("synth_aflw", "hidden")]


def test_a_run_whose_scoring_fails_is_not_recorded_and_named(tmp_path, monkeypatch):
    planned = suites.plan(suites.load_suite(write(tmp_path, SCORED)))
    runs, records = tmp_path / "runs", tmp_path / "records"
    monkeypatch.setattr(subprocess, "run", FakeMtl(planned[0], runs, eval_fails=True))
    lines = []
    with pytest.raises(RuntimeError, match=r"1 of 1 runs failed \(STL E seed 0\)"):
        suites.execute(planned, runs, records, echo=lines.append)
    assert not records.exists() and "FAILED scoring on synth_aflw" in lines[-1]


def test_a_record_that_lacks_its_evaluate_on_datasets_is_scored_from_its_folder_once(tmp_path, monkeypatch):
    planned, runs, records, folder = _finished_with_model(tmp_path)
    old = suites.record_of(planned[0], folder, 12.0)
    shared = [Membership(suite="other", name="STL", group="g"), *old.memberships]
    suites.write_record(old.model_copy(update={"memberships": shared}), records)  # recorded before evaluate_on
    fake = FakeMtl(planned[0], runs)
    monkeypatch.setattr(subprocess, "run", fake)
    lines = []
    [path] = suites.execute(planned, runs, records, echo=lines.append)
    assert len(fake.commands) == 1 and "eval" in fake.commands[0] and lines[0].endswith("skipped; scored on synth_aflw")
    record = RunRecord.model_validate_json(path.read_text())
    assert [m.dataset for m in record.report.metrics] == ["synth_aflw"]
    assert record.memberships == shared and record.wall_seconds == 12.0  # nothing else of the record changes
    suites.execute(planned, runs, records, echo=lines.append)  # now complete: nothing runs
    assert len(fake.commands) == 1 and lines[-1].endswith("skipped")


def test_a_record_without_a_run_folder_says_what_it_could_not_score(tmp_path, monkeypatch):
    planned = suites.plan(suites.load_suite(write(tmp_path, SCORED)))
    records = tmp_path / "records"
    suites.write_record(suites.record_of(planned[0], _made(tmp_path / "runs", planned[0]), None), records)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("nothing can be scored"))
    lines = []
    suites.execute(planned, tmp_path / "elsewhere", records, echo=lines.append)
    assert "skipped; not scored on synth_aflw (no finished run folder" in lines[0]


def test_evaluate_on_names_datasets_and_leaves_the_run_identity_alone(tmp_path):
    plain = suites.plan(suites.load_suite(write(tmp_path, SCORED.replace(", evaluate_on: [synth_aflw]", ""))))
    assert suites.plan(suites.load_suite(write(tmp_path, SCORED)))[0].hash == plain[0].hash
    with pytest.raises(ValueError, match="evaluate_on"):
        suites.load_suite(write(tmp_path, SCORED.replace("[synth_aflw]", "['../x y']")))


def test_a_dataset_that_gives_the_run_no_metric_is_said_and_the_record_kept(tmp_path, monkeypatch):
    planned, runs, records, folder = _finished_with_model(tmp_path)
    path = suites.write_record(suites.record_of(planned[0], folder, None), records)
    before = path.read_text()
    monkeypatch.setattr(subprocess, "run", FakeMtl(planned[0], runs, eval_finds=False))
    lines = []
    suites.execute(planned, runs, records, echo=lines.append)
    assert lines[0].endswith("skipped; synth_aflw gave no metric (neither labels nor hidden truth for the run's tasks)")
    assert path.read_text() == before
