"""`mtl train`, `mtl eval`, `mtl compare` end to end on a small built-in benchmark (real data, real models)."""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DML_LWF = ("python ALTERNATIVE_EP.py --dataset_emotion=synth_expw --dataset_pose=synth_aflw --model=mini_xception "
           "--epoch=1 --batch_size=16 --is_augmentation=True --is_dropout=False --is_bn=False "
           "--weights_decay=0.005 --is_freezing=False --no_freezing_epoch=32 --E_loss_weights=1 "
           "--P_loss_weights=1 --is_naive=False --is_distilled=True distill_t=1 "
           "--is_pesudo=False--is_interpolation=False")
ALL_IN_ONE = ("python CONFUSION_EP_multitask.py --dataset_emotion=synth_expw --dataset_pose=synth_aflw "
              "--model=mini_xception --epoch=2 --batch_size=16 --is_naive=True")


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    from facedata.synth import build_benchmark

    root = tmp_path_factory.mktemp("benchmark")
    build_benchmark(root, scale=0.05, image_size=64)
    return root


def _train(mtl, bench, tmp_path, line, *extra):
    result = mtl("train", *shlex.split(line), "--data-root", str(bench), "--runs-dir", str(tmp_path / "runs"), *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1])


def test_published_dml_lwf_line_trains_and_is_scored_and_compared(mtl, bench, tmp_path):
    run = _train(mtl, bench, tmp_path, DML_LWF)
    assert {"config.json", "metrics.jsonl", "report.json", "model.keras", "confusion", "checkpoints"} <= {
        p.name for p in run.iterdir()}
    report = json.loads((run / "report.json").read_text())
    assert report["paper_method"] == "DML-LWF" and report["epochs_completed"] == 1
    hidden = {(m["task"], m["dataset"]) for m in report["metrics"] if m["ground_truth"] == "hidden"}
    assert ("emotion", "synth_aflw") in hidden and ("pose", "synth_expw") in hidden  # cross-domain
    chart = tmp_path / "chart.png"
    table = mtl("compare", str(run), "--chart", str(chart))
    assert table.returncode == 0, table.stderr[-2000:]
    # In-domain columns (released labels) first, then the cross-domain ones (hidden truth, †).
    assert table.stdout.startswith("| method | emotion@synth_expw | pose@synth_aflw | emotion@synth_aflw † | pose@synth_expw † |")
    assert "| DML-LWF EP (mini_xception) |" in table.stdout and chart.is_file()


def test_sa_mtl_preset_trains_writes_pseudo_tables_and_mtl_pseudo_reports_them(mtl, bench, tmp_path):
    run = _train(mtl, bench, tmp_path, "--preset sa-mtl --tasks EP --model mini_xception --epochs 2 "
                 "--batch_size 16 --dataset_emotion synth_expw --dataset_pose synth_aflw")
    report = json.loads((run / "report.json").read_text())
    assert report["paper_method"].startswith("SA-MTL (soft interpolation")
    assert {"epoch-000-pose.csv", "epoch-001-emotion.csv"} == {p.name for p in (run / "pseudo").glob("*.csv")}
    header = (run / "pseudo" / "epoch-000-pose.csv").read_text().splitlines()[0].split(",")
    assert {"sample_id", "confidence", "density", "distribution", "weight", "true_label", "correct"} <= set(header)
    plot = tmp_path / "reliability.png"
    result = mtl("pseudo", str(run), "--plot", str(plot))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| epoch | task | images of | count | coverage | precision |")
    assert lines[2].startswith("| 1 | pose | synth_expw |") and lines[3].startswith("| 2 | emotion | synth_aflw |")
    assert plot.stat().st_size > 10_000
    not_a_run = mtl("pseudo", str(tmp_path))
    assert not_a_run.returncode == 2 and "not a run folder" in not_a_run.stderr


@pytest.mark.slow
def test_all_in_one_then_stl_from_its_trunk_then_eval(mtl, bench, tmp_path):
    joint = _train(mtl, bench, tmp_path, ALL_IN_ONE)
    stl = _train(mtl, bench, tmp_path, "--method stl --tasks E --model mini_xception --epochs 2 "
                 f"--init-from {joint} --is_freezing True --no_freezing_epoch 1")
    assert json.loads((stl / "config.json").read_text())["init_from"] == str(joint)
    result = mtl("eval", str(stl), "--data-root", str(bench), "--data", "synth_adience")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "hidden emotion  synth_adience" in result.stdout


@pytest.mark.slow
def test_cli_kill9_then_resume_matches_an_uninterrupted_run(mtl, bench, tmp_path):
    line = DML_LWF.replace("--epoch=1", "--epoch=3") + " --deterministic --checkpoint-every 2"
    full = _train(mtl, bench, tmp_path / "a", line)
    runs = tmp_path / "b" / "runs"
    cmd = [sys.executable, "-m", "mtl_tools.cli", "train", *shlex.split(line), "--data-root", str(bench),
           "--runs-dir", str(runs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not list(runs.glob("*/checkpoints/ckpt-6.index")):
        assert proc.poll() is None, "finished before it could be killed"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed = next(runs.iterdir())
    result = mtl("train", "--resume", str(killed), "--data-root", str(bench), "--checkpoint-every", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    import facemodels

    a, b = (facemodels.load_model(r / "model.keras").get_weights() for r in (full, killed))
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
