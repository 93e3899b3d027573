"""Row sparsity of each head matrix, alpha * sum_t ||W_t||_{2,1} (SFSMR, Chang et al. 2014; spec 7.5).

||W||_{2,1} = sum over rows r (input features) of ||w_r||_2: a group lasso that drives whole input
features of a head to zero. The norm of an all-zero row is taken as 0 with gradient 0 (a valid
subgradient), so the term never produces NaN gradients.
"""

from __future__ import annotations

import tensorflow as tf

from mtl_methods.regularizers.base import REGULARIZERS, Regularizer, RegularizerInputs
from mtl_methods.regularizers.heads import head_kernels, head_matrix


def l21_norm(matrix: tf.Tensor) -> tf.Tensor:
    """sum_r ||matrix[r, :]||_2 of a [rows, C] matrix, with a finite gradient at zero rows."""
    squares = tf.reduce_sum(tf.square(matrix), axis=1)
    positive = squares > 0
    safe = tf.where(positive, squares, tf.ones_like(squares))
    return tf.reduce_sum(tf.where(positive, tf.sqrt(safe), tf.zeros_like(squares)))


@REGULARIZERS.register("l21")
class L21Regularizer(Regularizer):
    """alpha * sum over tasks of ||W_t||_{2,1}."""

    name = "l21"

    def __init__(self, coefficient, model, tasks, heads=None) -> None:
        super().__init__(coefficient, model, tasks, heads)
        self.kernels = head_kernels(model, self.tasks, heads)

    def value(self, inputs: RegularizerInputs) -> tf.Tensor:
        return tf.add_n([l21_norm(head_matrix(self.kernels[t])) for t in self.tasks])
