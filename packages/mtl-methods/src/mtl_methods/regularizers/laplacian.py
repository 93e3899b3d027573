"""Laplacian smoothness of the predictions on unlabelled rows, gamma * tr(P^T L P) / B (spec 7.5 [REC]).

Per task and batch: the graph joins the rows that lack the task's label (targets' has_label = 0),
with similarity weights W_ij = exp(-||f_i - f_j||^2 / (2 sigma^2)) on the head features
f = `{task}_features`; L = D - W (unnormalised). P = the predicted probabilities `{task}`, and
tr(P^T L P) = 1/2 sum_ij W_ij ||p_i - p_j||^2. B is the number of rows of the whole batch (the
original divided by the batch size). sigma is the median distance over all pairs of the batch's
rows (labelled ones included: more pairs, a steadier width), held constant for the gradient
(stop_gradient), and 1 when there is no pair or the median is under 1e-6 (near-duplicate rows).
The original built L from distances and had zero gradient (spec 7.5 [BUG]); this term is
differentiable w.r.t. both P and f. Fewer than 2 unlabelled rows: exactly 0, finite gradients.
"""

from __future__ import annotations

import tensorflow as tf

from mtl_methods.regularizers.base import REGULARIZERS, Regularizer, RegularizerInputs


def squared_distances(features: tf.Tensor) -> tf.Tensor:
    """[B, B] ||f_i - f_j||^2, clamped at 0 and exactly 0 on the diagonal."""
    norms = tf.reduce_sum(tf.square(features), axis=1)
    d2 = norms[:, None] + norms[None, :] - 2.0 * tf.matmul(features, features, transpose_b=True)
    off_diagonal = 1.0 - tf.eye(tf.shape(features)[0], dtype=features.dtype)
    return tf.maximum(d2, 0.0) * off_diagonal


def median_distance(d2: tf.Tensor) -> tf.Tensor:
    """Median of ||f_i - f_j|| over pairs i != j (no gradient); 1 without pairs or when under 1e-6.

    Sorting all B^2 entries puts the B diagonal zeros first, so the pairs are the entries after
    them (each pair twice, which leaves the median unchanged).
    """
    d2 = tf.stop_gradient(d2)
    n = tf.shape(d2)[0]
    ordered = tf.sort(tf.reshape(tf.sqrt(d2), [-1]))
    pairs = n * n - n
    last = n * n - 1
    lo = tf.clip_by_value(n + (pairs - 1) // 2, 0, last)
    hi = tf.clip_by_value(n + pairs // 2, 0, last)
    median = 0.5 * (tf.gather(ordered, lo) + tf.gather(ordered, hi))
    return tf.where((pairs > 0) & (median > 1e-6), median, tf.ones_like(median))


def laplacian_smoothness(features: tf.Tensor, probabilities: tf.Tensor, unlabelled: tf.Tensor,
                         sigma: tf.Tensor | float | None = None) -> tf.Tensor:
    """tr(P_u^T L_u P_u) / B for the rows flagged in `unlabelled` (see the module docstring).

    Args:
        features: [B, ...] head features (flattened per row).
        probabilities: [B, C] predicted class probabilities.
        unlabelled: [B] 1 for the rows that join the graph, 0 otherwise.
        sigma: Kernel width; None: the batch's median pairwise distance (stop-gradient).
    """
    dtype = probabilities.dtype
    features = tf.reshape(tf.cast(features, dtype), (tf.shape(features)[0], -1))
    mask = tf.cast(unlabelled, dtype)
    d2 = squared_distances(features)
    if sigma is None:
        sigma = median_distance(d2)
    else:  # a Python float straight to tf.cast would pass through float32 first
        sigma = tf.cast(sigma, dtype) if isinstance(sigma, tf.Tensor) else tf.constant(sigma, dtype)
    weights = tf.exp(-d2 / (2.0 * tf.square(sigma))) * mask[:, None] * mask[None, :]
    weights *= 1.0 - tf.eye(tf.shape(mask)[0], dtype=dtype)
    gaps = tf.reduce_sum(tf.square(probabilities[:, None, :] - probabilities[None, :, :]), axis=-1)
    rows = tf.cast(tf.maximum(tf.shape(mask)[0], 1), dtype)
    value = 0.5 * tf.reduce_sum(weights * gaps) / rows
    return tf.where(tf.reduce_sum(mask) >= 2, value, tf.zeros_like(value))


@REGULARIZERS.register("laplacian")
class LaplacianRegularizer(Regularizer):
    """gamma * sum over tasks of tr(P^T L P) / B on the rows without that task's label."""

    name = "laplacian"

    def value(self, inputs: RegularizerInputs) -> tf.Tensor:
        terms = []
        for task in self.tasks:
            probabilities = tf.cast(inputs.outputs[task], tf.float32)
            unlabelled = tf.cast(inputs.targets[task]["has_label"] <= 0, tf.float32)
            terms.append(laplacian_smoothness(inputs.outputs[f"{task}_features"], probabilities, unlabelled))
        return tf.add_n(terms)
