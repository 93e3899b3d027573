"""SA-MTL and joint pseudo-labels on the training engine: refreshes, tables, diagnostics, schedule."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import tensorflow as tf

from mtl_methods.evaluation import Predictor
from mtl_methods.experiment import make_trainer, train
from mtl_methods.providers import PROVIDERS, provider_for
from mtl_methods.providers.pseudo import PseudoLabelProvider

SA_MTL = ("--tasks", "EP", "--batch_size", "16", "--learning_rate", "0.01")


def with_truth(sources, seed=0):
    """Gives every source a hidden truth of every task (random but fixed), like the benchmark's."""
    rng = np.random.default_rng(seed)
    for source in sources:
        truth = {}
        for _, labels, _, sample_id in source.train.concatenate(source.val).concatenate(source.test):
            row = {"emotion": int(rng.integers(0, 7)), "pose": int(rng.integers(0, 5))}
            row |= {t: int(v) for t, v in labels.items()}
            truth[sample_id.numpy().decode()] = {"labels": row}
        source.truth = truth
    return sources


class CountingPredictor(Predictor):
    """Counts the inference passes (one per dataset and refresh is the contract)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[int, tuple[str, ...]]] = []

    def __call__(self, ds, keys):
        keys = tuple(keys)
        out = super().__call__(ds, keys)
        self.calls.append((len(out["ids"]), keys))
        return out


def test_sa_mtl_preset_asks_for_the_pseudo_provider_with_every_factor(setup):
    config, *_ = setup(*SA_MTL, preset="sa-mtl")
    provider = provider_for(config)
    assert isinstance(provider, PseudoLabelProvider)
    assert provider.needs_features and provider.needs_labelled_features
    assert set(PROVIDERS.names()) >= {"distill", "pseudo"}


def test_sa_mtl_writes_tables_diagnostics_and_targets_of_the_epoch_start_model(setup):
    config, model, sources, run = setup(*SA_MTL, "--epochs", "2", preset="sa-mtl", n_train=40)
    with_truth(sources)
    trainer = make_trainer(config, model, sources, run)
    trainer.predictor = CountingPredictor(model, config.tasks)
    trainer.fit()
    # Epoch 0 (emotion data): one pass over U (synth_expw: pose logits + features) and one over
    # L (synth_aflw: pose features), never one per factor.
    refresh_calls = trainer.predictor.calls[:2]
    assert sorted(n for n, _ in refresh_calls) == [40, 40]
    assert {k for _, keys in refresh_calls for k in keys} == {"pose_logits", "pose_features"}
    first = run.pseudo / "epoch-000-pose.csv"
    second = run.pseudo / "epoch-001-emotion.csv"
    assert first.is_file() and second.is_file()
    with open(first, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40
    assert {"sample_id", "dataset", "pseudo_label", "confidence", "density", "distribution", "weight",
            "selected", "true_label", "correct"} <= set(rows[0])
    weights = np.array([float(r["weight"]) for r in rows])
    assert weights.max() == pytest.approx(1.0) and weights.min() >= 0.0
    truth = sources[0].truth
    assert all(int(r["true_label"]) == truth[r["sample_id"]]["labels"]["pose"] for r in rows)
    record = run.read_metrics()[0]
    assert record["targets_pose"] == 40
    assert 0.0 <= record["pseudo/pose/synth_expw/precision"] <= 1.0
    assert record["pseudo/pose/synth_expw/coverage"] == pytest.approx(1.0)  # soft: every row is used
    # The table holds soft interpolated targets (rows sum to 1), weight 1, has_label 1.
    ids = tf.constant([r["sample_id"].encode() for r in rows])
    rows = trainer.strategy.tables["pose"].lookup(ids).numpy()
    assert np.allclose(rows[:, :5].sum(axis=1), 1.0, atol=1e-5) and np.all(rows[:, 5:7] == 1.0)


def test_hard_selection_masks_or_distils_the_unselected(setup):
    config, model, sources, run = setup(*SA_MTL, "--epochs", "1", "--unselected", "drop",
                                        preset="sa-mtl-hard", n_train=40)
    trainer = make_trainer(config, model, sources, run)
    trainer.fit()
    with open(run.pseudo / "epoch-000-pose.csv", newline="") as f:
        selected = [int(r["selected"]) for r in csv.DictReader(f)]
    assert 0 < sum(selected) <= 0.25 * len(selected)  # threshold 0.8 keeps about the top 20 %
    assert run.read_metrics()[0]["targets_pose"] == sum(selected)  # drop: the rest stay masked


@pytest.mark.parametrize("every,refreshed", [(1, [0, 1, 2, 3]), (2, [0, 1])])
def test_pseudo_every_refreshes_every_nth_visit_of_a_dataset(setup, every, refreshed):
    config, model, sources, run = setup(*SA_MTL, "--epochs", "4", "--pseudo-every", str(every),
                                        preset="sa-mtl", n_train=24)
    train(config, model, sources, run)
    epochs = sorted(int(p.name.split("-")[1]) for p in run.pseudo_tables())
    assert epochs == refreshed


def test_joint_pseudo_labels_refresh_every_dataset_into_the_tables(setup):
    config, model, sources, run = setup("--tasks", "EP", "--batch_size", "16", "--epochs", "2",
                                        "--is_pesudo", "True", "--is_pesudo_confidence", "True",
                                        "--selection_threshold", "0.5", method="joint", n_train=32)
    with_truth(sources)
    trainer = make_trainer(config, model, sources, run)
    assert trainer.strategy.tables  # joint strategy keeps the same per-sample tables
    trainer.fit()
    assert {p.name for p in run.pseudo_tables()} == {
        "epoch-000-pose.csv", "epoch-000-emotion.csv", "epoch-001-pose.csv", "epoch-001-emotion.csv"}
    record = run.read_metrics()[1]
    assert "pseudo/emotion/synth_aflw/precision" in record and "pseudo/pose/synth_expw/auroc_weight" in record


@pytest.mark.parametrize("preset,method,expected", [("sa-mtl", None, [2, 3]), (None, "joint", [1, 2, 3])])
def test_pseudo_warmup_keeps_the_missing_tasks_masked_until_the_first_refresh(setup, preset, method, expected):
    argv = ["--tasks", "EP", "--batch_size", "16", "--epochs", "4", "--pseudo-warmup", "2" if preset else "1"]
    argv += [] if preset else ["--is_pesudo", "True", "--is_pesudo_confidence", "True"]
    config, model, sources, run = setup(*argv, preset=preset, method=method, n_train=24)
    train(config, model, sources, run)
    assert sorted({int(p.name.split("-")[1]) for p in run.pseudo_tables()}) == expected
    first = run.read_metrics()[0]
    assert "targets_pose" not in first and "targets_emotion" not in first
    if preset:  # alternating epoch 0 holds emotion images only: pose is masked, not pseudo-labelled
        assert first["train_loss_pose"] == 0.0
