"""Shared pieces of the task heads: their options, their outputs and their registry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import tensorflow as tf
import tf_keras as keras

from faceschemas.registry import Registry


@dataclasses.dataclass(frozen=True)
class HeadOptions:
    """Training tricks of spec 3.5 as real options (booleans with defaults)."""

    dropout: bool = False
    batch_norm: bool = False
    weight_decay: float = 0.0
    cross_stitch: tuple[str, str] | None = None
    dropout_rate: float = 0.5
    label_embedding: int = 0  # LEL-LTN (spec 7.3): logits from a shared label embedding of this dim; 0 off


@dataclasses.dataclass
class TaskOutputs:
    """One task's tensors: probabilities, logits and the features used by pseudo-labelling."""

    probabilities: tf.Tensor
    logits: tf.Tensor
    features: tf.Tensor


#: head(feature_map, shared_vector, tasks, options) -> {task: TaskOutputs}
HeadBuilder = Callable[[tf.Tensor, tf.Tensor, tuple[str, ...], HeadOptions], dict[str, TaskOutputs]]
HEADS: Registry[HeadBuilder] = Registry("head")


def finish_task(task: str, logits: tf.Tensor, features: tf.Tensor) -> TaskOutputs:
    """Names the three outputs of a task with the model's dict keys (task, task_logits, task_features)."""
    probabilities = keras.layers.Activation("softmax", name=task)(logits)
    # An identity layer per task gives each output its own name, even where tasks share features.
    features = keras.layers.Activation("linear", name=f"{task}_features")(features)
    return TaskOutputs(probabilities, logits, features)
