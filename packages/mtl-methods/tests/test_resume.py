from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mtl_methods.experiment import make_trainer
from mtl_methods.trainer import TrainerOptions

SCRIPT = Path(__file__).with_name("tiny_run.py")


def _start(*args):
    return subprocess.Popen([sys.executable, str(SCRIPT), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _weights(path):
    with np.load(path) as data:
        return [data[k] for k in sorted(data.files, key=lambda k: int(k.split("_")[1]))]


def _metrics(run_dir):
    import json

    lines = Path(run_dir, "metrics.jsonl").read_text().splitlines()
    drop = {"seconds", "images_per_second"}
    return [{k: v for k, v in json.loads(line).items() if k not in drop} for line in lines]


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["dml-lwf", "sa-mtl"])
def test_kill9_mid_epoch_then_resume_ends_bit_exact(tmp_path, preset):
    """Kill -9 at step 14 (mid-epoch 2, last checkpoint at 12): the resumed run equals a full run."""
    full = _start(tmp_path / "full", "new", tmp_path / "full.npz", preset)
    killed = _start(tmp_path / "killed", "new", tmp_path / "killed.npz", preset, 14)
    full_out, full_err = full.communicate(timeout=300)
    _, killed_err = killed.communicate(timeout=300)
    assert full.returncode == 0, full_err[-2000:]
    assert killed.returncode == -signal.SIGKILL, killed_err[-2000:]
    run_dir = next((tmp_path / "killed").iterdir())
    assert not (run_dir / "report.json").exists()
    resumed = subprocess.run([sys.executable, str(SCRIPT), run_dir, "resume", tmp_path / "resumed.npz", preset],
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    for a, b in zip(_weights(tmp_path / "full.npz"), _weights(tmp_path / "resumed.npz"), strict=True):
        assert np.array_equal(a, b)
    assert _metrics(full_out.strip().splitlines()[-1]) == _metrics(run_dir)
    if preset == "sa-mtl":  # the refreshed pseudo-label tables are the same files too
        full_dir = Path(full_out.strip().splitlines()[-1])
        tables = sorted(p.name for p in (full_dir / "pseudo").iterdir())
        assert tables and tables == sorted(p.name for p in (run_dir / "pseudo").iterdir())
        assert all((full_dir / "pseudo" / t).read_bytes() == (run_dir / "pseudo" / t).read_bytes() for t in tables)


def test_truncated_newest_checkpoint_falls_back_with_a_warning(setup, capsys):
    config, model, sources, run = setup("--tasks", "EP", "--epochs", "3", "--batch_size", "16", preset="dml-lwf")
    trainer = make_trainer(config, model, sources, run)
    trainer.fit()
    newest = trainer.keeper.manager.checkpoints[-1]
    data = next(Path(newest).parent.glob(Path(newest).name + ".data-*"))
    data.write_bytes(data.read_bytes()[:100])
    again = make_trainer(config, model, sources, run)
    assert again.resume()
    assert int(again.state.epoch.numpy()) == 2
    assert "falling back to the previous one" in capsys.readouterr().out
    assert [r["epoch"] for r in run.read_metrics()] == [0, 1]


class _Interrupt(Exception):
    pass


@pytest.mark.parametrize("preset,stop_at", [("distilling", 6), ("distilling", 14), ("sa-mtl", 14)])
def test_interrupted_then_resumed_run_matches_an_uninterrupted_one(setup, preset, stop_at):
    """Stops at an epoch boundary (epoch 0 has 6 steps) or mid-epoch 2; resumes bit-exactly."""
    argv = ("--tasks", "EP", "--epochs", "3", "--batch_size", "8", "--learning_rate", "0.01")
    options = TrainerOptions(checkpoint_every=4)
    config, model, sources, run = setup(*argv, preset=preset, dropout=0.3, n_train=44)
    full = make_trainer(config, model, sources, run, options=options)
    full.fit()
    expected = [w.numpy() for w in model.weights]
    config, model, sources, run = setup(*argv, preset=preset, dropout=0.3, n_train=44)
    first = make_trainer(config, model, sources, run, options=options)
    original = first._after_step

    def after_step(bar, done):
        original(bar, done)
        if int(first.state.global_step.numpy()) == stop_at:
            raise _Interrupt

    first._after_step = after_step
    with pytest.raises(_Interrupt):
        first.fit()
    config, model, sources, _ = setup(*argv, preset=preset, dropout=0.3, n_train=44)
    resumed = make_trainer(config, model, sources, run, options=options)
    assert resumed.resume()
    resumed.fit()
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(expected, model.weights, strict=True))
    assert [r["epoch"] for r in run.read_metrics()] == [0, 1, 2]
