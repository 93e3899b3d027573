"""Masked per-task losses for disjoint data (spec 4 [REC], 6.3 [REC]).

Every task in a batch carries four tensors, never encoded in each other (spec 4 [BUG]: the original
put sample weights into the target's scale and divided 0 by 0 on batches without labels):

* ``target``    [B, C] one-hot (gold label) or soft (distillation / pseudo-label) distribution;
* ``weight``    [B]    per-sample weight w_i (1 for gold labels);
* ``has_label`` [B]    1 when the row counts for this task, else 0;
* ``kd``        [B]    1 when the row is a teacher distribution to be matched in Hinton form.

Default normalisation ("labelled"): L = sum_i w_i * l_i / max(1, sum_i has_label_i), the original's
denominator (rows, not weights) with the empty-batch guard. Option "weight": sum w*l / sum w.
A task with no labelled row contributes exactly 0 with finite gradients.
"""

from __future__ import annotations

import tensorflow as tf

TARGET_KEYS = ("target", "weight", "has_label", "kd")
NORMALIZATIONS = ("labelled", "weight")


def soft_targets(logits: tf.Tensor, temperature: float) -> tf.Tensor:
    """Row-wise softmax of logits / T (spec 6.3 [BUG]: the original normalised the whole array)."""
    return tf.nn.softmax(tf.cast(logits, tf.float32) / temperature, axis=-1)


def cross_entropy(target: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    """Per-row -sum_k t_k log softmax(z)_k; the target is not renormalised (spec 4)."""
    return -tf.reduce_sum(target * tf.nn.log_softmax(logits, axis=-1), axis=-1)


def hinton_kd(target: tf.Tensor, logits: tf.Tensor, temperature: float) -> tf.Tensor:
    """Per-row T^2 KL(teacher_T || student_T) (Hinton et al. 2015; spec 6.3 [REC] `hinton`)."""
    log_student = tf.nn.log_softmax(logits / temperature, axis=-1)
    safe = tf.where(target > 0, target, tf.ones_like(target))
    kl = tf.reduce_sum(tf.where(target > 0, target * (tf.math.log(safe) - log_student), 0.0), -1)
    return temperature**2 * kl


def per_sample_loss(targets: dict, logits: tf.Tensor, temperature: float = 1.0) -> tf.Tensor:
    """CE for ordinary rows, T^2-KL for rows flagged ``kd`` (only those need the temperature)."""
    logits = tf.cast(logits, tf.float32)
    ce = cross_entropy(targets["target"], logits)
    kd = targets["kd"]
    kl = hinton_kd(targets["target"], logits, temperature)
    return (1.0 - kd) * ce + kd * kl


def masked_task_loss(
    targets: dict, logits: tf.Tensor, temperature: float = 1.0, normalization: str = "labelled"
) -> tf.Tensor:
    """The loss of one task on one batch; exactly 0 when no row has a label (never NaN)."""
    row = per_sample_loss(targets, logits, temperature) * targets["has_label"]
    numerator = tf.reduce_sum(targets["weight"] * row)
    if normalization == "labelled":
        denominator = tf.maximum(1.0, tf.reduce_sum(targets["has_label"]))
    elif normalization == "weight":
        total = tf.reduce_sum(targets["weight"] * targets["has_label"])
        denominator = tf.where(total > 0, total, 1.0)
    else:
        raise ValueError(f"unknown loss normalization {normalization!r}; known: {', '.join(NORMALIZATIONS)}")
    return numerator / denominator


def gold_targets(labels: tf.Tensor, mask: tf.Tensor, num_classes: int) -> dict:
    """The four tensors of a batch of gold labels (label -1 or mask 0 = missing)."""
    labels = tf.cast(labels, tf.int32)
    has = tf.cast(mask, tf.float32) * tf.cast(labels >= 0, tf.float32)
    onehot = tf.one_hot(tf.maximum(labels, 0), num_classes) * has[:, None]
    return {"target": onehot, "weight": has, "has_label": has, "kd": tf.zeros_like(has)}
