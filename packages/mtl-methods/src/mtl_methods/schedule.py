"""Learning rate per epoch: the freezing stages (spec 3.5 [REC]) times a schedule (spec 8.3 [REC])."""

from __future__ import annotations

import math

from faceschemas.registry import Registry

SCHEDULES: Registry = Registry("learning-rate schedule")


@SCHEDULES.register("constant")
def constant(epoch: int, epochs: int) -> float:
    return 1.0


@SCHEDULES.register("cosine")
def cosine(epoch: int, epochs: int) -> float:
    """Half-cosine from 1 to about 0 over the run."""
    return 0.5 * (1.0 + math.cos(math.pi * epoch / max(1, epochs)))


@SCHEDULES.register("step")
def step(epoch: int, epochs: int) -> float:
    """x0.1 at 50% and again at 75% of the epochs."""
    return 0.1 ** ((epoch >= 0.5 * epochs) + (epoch >= 0.75 * epochs))


def is_frozen(training, epoch: int) -> bool:
    """The backbone is frozen during the first `freeze_epochs` epochs when freezing is on."""
    return bool(training.freeze_backbone and epoch < training.freeze_epochs)


def learning_rate(training, epoch: int) -> float:
    """Each stage has its own base rate; the schedule factor runs over the global epoch counter."""
    if training.freeze_backbone:
        base = training.frozen_learning_rate if is_frozen(training, epoch) else training.unfrozen_learning_rate
    else:
        base = training.learning_rate
    return base * SCHEDULES.get(training.lr_schedule)(epoch, training.epochs)
