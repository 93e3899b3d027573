from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from faceschemas.report import RunReport
from mtl_methods.data import interleave_mix, mix_shares, mix_steps, shuffled
from mtl_methods.evaluation import Predictor
from mtl_methods.experiment import make_trainer, train
from mtl_methods.strategies import STRATEGIES, build_strategy
from mtl_methods.targets import row_softmax

COMMANDS = {
    "stl": (["--tasks", "E"], "stl", None),
    "joint": (["--tasks", "EP"], None, "all-in-one"),
    "alternative": (["--tasks", "EP", "--distill_t", "2"], None, "distilling"),
}


@pytest.mark.parametrize("name", STRATEGIES.names())
def test_every_strategy_trains_end_to_end_and_writes_the_run_folder(name, setup):
    argv, method, preset = COMMANDS[name]
    config, model, sources, run = setup(*argv, "--epochs", "2", "--batch_size", "16", method=method, preset=preset)
    report = train(config, model, sources, run)
    assert isinstance(report, RunReport) and report.epochs_completed == 2
    assert {(m.task, m.split) for m in report.metrics} == {(t, s) for t in config.tasks for s in ("val", "test")}
    lines = run.read_metrics()
    assert [r["epoch"] for r in lines] == [0, 1] and all(np.isfinite(r["train_loss"]) for r in lines)
    names = {p.name for p in run.path.iterdir()}
    assert {"config.json", "metrics.jsonl", "report.json", "model.keras", "confusion", "tensorboard"} <= names
    assert json.loads((run.path / "config.json").read_text())["method"] == name


def test_unknown_strategy_lists_the_known_ones():
    with pytest.raises(ValueError, match="known: alternative, joint, stl"):
        build_strategy("cross-stitch", tasks=("emotion",), sources=[], batch_size=4)


@pytest.mark.parametrize("sizes,ratio", [({"a": 10_000, "b": 3}, "proportional"), ({"a": 5, "b": 50, "c": 7}, "balanced")])
def test_mix_shares_fill_the_batch_without_zero_shares(sizes, ratio):
    shares = mix_shares(sizes, 16, ratio)
    assert sum(shares.values()) == 16 and min(shares.values()) >= 1
    steps = mix_steps(sizes, shares)
    assert all(steps * shares[n] >= sizes[n] for n in sizes)  # a full pass over every dataset


def test_joint_batches_hold_every_dataset(setup):
    config, _, sources, _ = setup("--tasks", "EP", "--batch_size", "8", preset="all-in-one")
    parts = {s.name: shuffled(s, config.tasks, 0) for s in sources}
    batch = next(iter(interleave_mix(parts, {s.name: s.train_size for s in sources}, 8, "balanced", 0)))
    _, labels, masks, ids = batch
    assert ids.shape[0] == 8
    assert masks["emotion"].numpy().sum() == 4 and masks["pose"].numpy().sum() == 4


def test_alternative_targets_come_from_the_model_at_the_start_of_the_epoch(setup):
    config, model, sources, run = setup("--tasks", "EP", "--epochs", "2", "--batch_size", "16",
                                        "--kd_form", "hinton", preset="distilling")
    trainer = make_trainer(config, model, sources, run)
    before = Predictor(model, config.tasks)(sources[0].train, ["pose_logits"])
    trainer.fit()
    table = trainer.strategy.tables["pose"]
    ids = tf.constant(before["ids"])
    rows = table.lookup(ids).numpy()
    assert np.allclose(rows[:, :5], row_softmax(before["pose_logits"], 2.0), atol=1e-5)
    assert np.all(rows[:, 5:] == 1.0)  # weight 1, has_label 1, kd (hinton) 1
    assert not np.any(trainer.strategy.tables["emotion"].lookup(ids).numpy())  # never asked for


def test_naive_alternation_masks_the_other_task(setup):
    config, model, sources, run = setup("--tasks", "EP", "--is_naive", "True", "--epochs", "1", method="alternative")
    trainer = make_trainer(config, model, sources, run)
    assert trainer.strategy.provider is None and not trainer.strategy.tables
    trainer.fit()
    assert run.read_metrics()[0]["train_loss_pose"] == 0.0
