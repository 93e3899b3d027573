"""Regression heads for the continuous values that datasets may carry (age in years, yaw in degrees).

The valid targets are the tasks' `continuous_values` in faceschemas (value/<name> record keys).
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones.base import l2
from faceschemas.tasks import TASKS


def regression_targets() -> tuple[str, ...]:
    """Every continuous value a task declares (age_years, yaw, pitch, roll)."""
    return tuple(value for spec in TASKS.values() for value in spec.continuous_values)


def add_regression_heads(
    shared: tf.Tensor, targets: tuple[str, ...], weight_decay: float = 0.0
) -> dict[str, tf.Tensor]:
    """One linear Dense(1) per target on the shared vector; output shape (batch, 1), named target."""
    known = regression_targets()
    outputs = {}
    for target in targets:
        if target not in known:
            raise ValueError(f"unknown regression target {target!r}; known: {', '.join(known)}")
        outputs[target] = keras.layers.Dense(1, kernel_regularizer=l2(weight_decay), name=target)(shared)
    return outputs
