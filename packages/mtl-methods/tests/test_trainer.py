from __future__ import annotations

import numpy as np
import pytest

from mtl_methods.experiment import finish, make_trainer
from mtl_methods.schedule import SCHEDULES, learning_rate
from mtl_methods.trainer import TrainerOptions


def _backbone(model):
    return [w.numpy().copy() for w in model.get_layer("backbone_dense").weights]


def test_frozen_backbone_stays_put_then_trains_with_its_own_learning_rate(setup):
    config, model, sources, run = setup("--tasks", "EP", "--epochs", "3", "--batch_size", "16", "--is_freezing",
                                        "True", "--no_freezing_epoch", "1", "--unfrozen_learning_rate", "0.01",
                                        preset="all-in-one")
    trainer = make_trainer(config, model, sources, run)
    start, head = _backbone(model), model.get_layer("emotion_fc").kernel.numpy().copy()
    trainer.options.stop_after_epochs = 1
    trainer.fit()
    assert all(np.array_equal(a, b) for a, b in zip(start, _backbone(model), strict=True))
    assert not np.array_equal(head, model.get_layer("emotion_fc").kernel.numpy())
    trainer.options.stop_after_epochs = None
    trainer.fit()
    assert not all(np.array_equal(a, b) for a, b in zip(start, _backbone(model), strict=True))
    lines = run.read_metrics()
    assert [r["frozen"] for r in lines] == [True, False, False]
    assert lines[0]["learning_rate"] == pytest.approx(1e-3) and lines[1]["learning_rate"] == pytest.approx(1e-2)


@pytest.mark.parametrize("name", SCHEDULES.names())
def test_schedules_start_at_the_base_rate_and_never_grow(setup, name):
    config, *_ = setup("--tasks", "E", "--epochs", "8", "--lr_schedule", name, "--learning_rate", "0.1", method="stl")
    rates = [learning_rate(config.training, e) for e in range(8)]
    assert rates[0] == pytest.approx(0.1) and all(b <= a + 1e-12 for a, b in zip(rates, rates[1:], strict=False))


def test_early_stopping_and_best_checkpoint_use_validation(setup):
    config, model, sources, run = setup("--tasks", "E", "--epochs", "30", "--early_stopping_patience", "2",
                                        "--learning_rate", "0.05", method="stl")
    trainer = make_trainer(config, model, sources, run, options=TrainerOptions(progress=True))
    trainer.fit()
    lines = run.read_metrics()
    best = int(np.argmax([r["val_score"] for r in lines]))
    assert len(lines) < 30 and len(lines) - 1 - best == 2  # stopped two epochs without improvement
    report = finish(trainer)
    assert report.best_epoch == best
    val = report.metric("emotion", "synth_expw", "val")
    assert val.accuracy == pytest.approx(lines[best]["val_score"])  # the best weights were restored
