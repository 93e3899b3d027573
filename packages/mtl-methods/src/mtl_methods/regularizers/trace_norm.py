"""Shared low rank of the heads, beta * ||[W_1 | W_2 | ...]||_* (SFSMR, SLRM; spec 7.5 [REC]).

The head matrices [rows, C_t] are stacked along the class axis into [rows, sum_t C_t], and the trace
(nuclear) norm is the sum of its singular values, from `tf.linalg.svd(..., compute_uv=False)`.
TensorFlow differentiates that op as U V^T (it recomputes U and V and applies diag(1); the
1/(s_i^2 - s_j^2) terms of the singular-vector gradient do not appear), so repeated singular values
are harmless; at a zero singular value (rank-deficient stack) it yields a subgradient of norm <= 1.
No epsilon or smoothing is needed. Stacking needs every head to read the same input rows: heads
with different row counts raise ValueError when the term is built (no padding, which would
pretend that unrelated input features are the same).
"""

from __future__ import annotations

import tensorflow as tf

from mtl_methods.regularizers.base import REGULARIZERS, Regularizer, RegularizerInputs
from mtl_methods.regularizers.heads import head_kernels, head_matrix


def trace_norm(matrices: list[tf.Tensor]) -> tf.Tensor:
    """Sum of the singular values of the matrices stacked along their last (class) axis."""
    stacked = tf.concat(matrices, axis=1)
    return tf.reduce_sum(tf.linalg.svd(stacked, compute_uv=False))


@REGULARIZERS.register("trace_norm")
class TraceNormRegularizer(Regularizer):
    """beta * ||[W_t for t in tasks]||_*."""

    name = "trace_norm"

    def __init__(self, coefficient, model, tasks, heads=None) -> None:
        super().__init__(coefficient, model, tasks, heads)
        self.kernels = head_kernels(model, self.tasks, heads)
        rows = {t: int(head_matrix(k).shape[0]) for t, k in self.kernels.items()}
        if len(set(rows.values())) > 1:
            raise ValueError(f"trace_norm stacks the task heads, which need the same input rows; got {rows}")

    def value(self, inputs: RegularizerInputs) -> tf.Tensor:
        return trace_norm([head_matrix(self.kernels[t]) for t in self.tasks])
