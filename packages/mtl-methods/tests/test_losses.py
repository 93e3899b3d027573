from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from mtl_methods.losses import gold_targets, hinton_kd, masked_task_loss
from mtl_methods.providers.distill import DistillationProvider
from mtl_methods.targets import ProviderContext, row_softmax


def _targets(labels, mask, classes=3, weight=None):
    t = gold_targets(tf.constant(labels), tf.constant(mask, tf.float32), classes)
    if weight is not None:
        t["weight"] = tf.constant(weight, tf.float32) * t["has_label"]
    return t


@pytest.mark.parametrize("normalization", ["labelled", "weight"])
def test_batch_without_labels_gives_zero_loss_and_finite_gradient(normalization):
    logits = tf.Variable(tf.random.normal([4, 3]))
    targets = _targets([-1, -1, 2, 0], [0, 0, 0, 0])
    with tf.GradientTape() as tape:
        loss = masked_task_loss(targets, logits, normalization=normalization)
    grad = tape.gradient(loss, logits)
    assert float(loss) == 0.0
    assert np.all(np.isfinite(grad.numpy())) and not np.any(grad.numpy())


def test_loss_counts_labelled_rows_and_keeps_weights_separate():
    logits = tf.zeros([4, 3])  # uniform prediction: CE = log 3 per labelled row
    plain = masked_task_loss(_targets([0, 1, -1, 2], [1, 1, 0, 1]), logits)
    weighted = masked_task_loss(_targets([0, 1, -1, 2], [1, 1, 0, 1], weight=[2, 2, 2, 2]), logits)
    by_weight = masked_task_loss(_targets([0, 1, -1, 2], [1, 1, 0, 1], weight=[2, 2, 2, 2]), logits,
                                 normalization="weight")
    assert float(plain) == pytest.approx(np.log(3), rel=1e-6)
    assert float(weighted) == pytest.approx(2 * np.log(3), rel=1e-6)  # denominator counts rows
    assert float(by_weight) == pytest.approx(np.log(3), rel=1e-6)


def test_hinton_form_is_zero_when_student_matches_teacher_and_scales_with_t_squared():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    teacher = tf.nn.softmax(logits / 2.0)
    assert float(hinton_kd(teacher, logits, 2.0)[0]) == pytest.approx(0.0, abs=1e-6)
    other = tf.constant([[0.2, 0.3, 0.5]])
    value = float(hinton_kd(other, logits, 3.0)[0])
    student = tf.nn.softmax(logits / 3.0).numpy()[0]
    expected = 9.0 * np.sum(other.numpy()[0] * np.log(other.numpy()[0] / student))
    assert value == pytest.approx(expected, rel=1e-5)


def test_row_softmax_normalises_each_row_at_the_temperature():
    logits = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    soft = row_softmax(logits, 2.0)
    assert np.allclose(soft.sum(axis=1), 1.0) and np.all(np.isfinite(soft))
    assert np.allclose(soft[1], np.exp(logits[1] / 2) / np.exp(logits[1] / 2).sum())


@pytest.mark.parametrize("kd_form,flag", [("paper_ce", 0.0), ("hinton", 1.0)])
def test_distillation_provider_marks_the_kd_form(kd_form, flag):
    context = ProviderContext("pose", "synth_expw", 0, np.array([b"a", b"b"]), np.zeros((2, 5)))
    provided = DistillationProvider(1.0, kd_form)(context)
    assert np.allclose(provided.target, 0.2) and np.all(provided.kd == flag)
    assert provided.packed().shape == (2, 8)
