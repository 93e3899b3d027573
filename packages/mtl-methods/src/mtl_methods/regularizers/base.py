"""What every manifold regulariser (SFSMR, SLRM; spec 7.5 [REC]) provides to the training step.

A regulariser is built once per trainer from its coefficient (a `RegularizerSettings` field of the
same name), the injected model and the tasks, and is called inside the step's gradient tape with
the batch's model outputs and per-task targets. It returns `coefficient * term`, a float32 scalar
that is finite and has finite gradients on every batch (spec 4 [BUG]: never 0/0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tensorflow as tf

from faceschemas.registry import Registry

REGULARIZERS: Registry = Registry("regularizer")


@dataclass(frozen=True)
class RegularizerInputs:
    """One batch as a regulariser sees it (inside the gradient tape)."""

    outputs: dict  # the model's output dict: `{task}`, `{task}_logits`, `{task}_features`
    targets: dict  # per task: {target, weight, has_label, kd} (losses.TARGET_KEYS)
    tasks: tuple[str, ...]
    # per task: the same four tensors from the batch's gold labels only (no table rows: pseudo-labels
    # and distillation targets are has_label 0 here); what a term trained on gold labels reads
    gold: dict = field(default_factory=dict)


class Regularizer:
    """Base class: `coefficient * value(inputs)`; subclasses implement `value`.

    Args:
        coefficient: The term's weight (alpha, beta or gamma of spec 7.5), > 0.
        model: The injected multi-task model (its head layers are found by `heads.head_kernels`).
        tasks: The classification tasks of the experiment.
        heads: Optional explicit {task: Dense/Conv layer} map overriding the graph walk.
    """

    name = "base"

    def __init__(self, coefficient: float, model, tasks: tuple[str, ...], heads: dict | None = None) -> None:
        self.coefficient, self.model, self.tasks, self.heads = float(coefficient), model, tuple(tasks), heads

    def value(self, inputs: RegularizerInputs) -> tf.Tensor:
        raise NotImplementedError

    def __call__(self, inputs: RegularizerInputs) -> tf.Tensor:
        return self.coefficient * tf.cast(self.value(inputs), tf.float32)
