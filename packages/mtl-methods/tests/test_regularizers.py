"""Manifold regularisers of SFSMR / SLRM (spec 7.5 [REC]): gradients, the head contract, training."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

from faceschemas.config import RegularizerSettings
from faceschemas.tasks import TASKS as TASK_SPECS
from mtl_methods import testing
from mtl_methods.experiment import make_trainer
from mtl_methods.regularizers import (
    REGULARIZERS,
    build_regularizers,
    find_head_layer,
    head_kernels,
    head_matrix,
)
from mtl_methods.regularizers.l21 import l21_norm
from mtl_methods.regularizers.laplacian import (
    laplacian_smoothness,
    median_distance,
    squared_distances,
)
from mtl_methods.regularizers.trace_norm import trace_norm
from mtl_methods.step import StepBuilder

TASKS = ("emotion", "pose")
ALL_ON = RegularizerSettings(l21=1e-4, trace_norm=1e-4, laplacian=1e-4)
STEPS = ("--tasks", "EP", "--epochs", "1", "--batch_size", "16", "--steps_per_epoch", "4")


def _numeric_gradient(fn, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central finite differences of a scalar fn at x (float64)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (float(fn(tf.constant(up))) - float(fn(tf.constant(down)))) / (2 * h)
    return grad


def _gradient(fn, x: np.ndarray) -> np.ndarray:
    value = tf.Variable(x)
    with tf.GradientTape() as tape:
        out = fn(value)
    return tape.gradient(out, value).numpy()


def _check_gradient(fn, x: np.ndarray) -> None:
    np.testing.assert_allclose(_gradient(fn, x), _numeric_gradient(fn, x), rtol=1e-5, atol=1e-7)


def _batch(seed=0, n=6, dims=4, classes=3):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, classes))
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return rng.normal(size=(n, dims)), probabilities, np.array([0, 1, 1, 0, 1, 1], np.float64)[:n]


def test_registry_names_are_the_switches_of_the_settings():
    """Every coefficient (float) or switch (bool) of RegularizerSettings is one registered term."""
    terms = [n for n, f in RegularizerSettings.model_fields.items() if f.annotation in (float, bool)]
    assert sorted(REGULARIZERS.names()) == sorted(terms) == ["l21", "label_transfer", "laplacian", "trace_norm"]


@pytest.mark.parametrize("preset,names", [("sfsmr", ["l21", "laplacian", "trace_norm"]),
                                          ("slrm", ["laplacian", "trace_norm"]), ("all-in-one", [])])
def test_presets_build_their_terms_with_the_original_magnitude(preset, names, setup):
    config, model, _, _ = setup("--tasks", "EP", preset=preset)
    regularizers = build_regularizers(config.regularizers, model, config.tasks)
    assert [r.name for r in regularizers] == names
    assert all(r.coefficient == 1e-4 for r in regularizers)


def test_l21_gradient_matches_finite_differences_and_is_finite_at_a_zero_row():
    matrix = np.random.default_rng(1).normal(size=(5, 3))
    _check_gradient(l21_norm, matrix)
    assert np.isclose(float(l21_norm(tf.constant(matrix))), np.linalg.norm(matrix, axis=1).sum())
    matrix[2] = 0.0
    grad = _gradient(l21_norm, matrix)
    assert np.all(np.isfinite(grad)) and np.all(grad[2] == 0.0)


@pytest.mark.parametrize("repeated", [False, True])
def test_trace_norm_gradient_matches_finite_differences(repeated):
    rng = np.random.default_rng(2)
    stacked = rng.normal(size=(6, 5))
    if repeated:  # orthogonal columns of equal length: all five singular values are 2
        stacked = 2.0 * np.linalg.qr(stacked)[0]
    _check_gradient(lambda m: trace_norm([m[:, :3], m[:, 3:]]), stacked)
    expected = np.linalg.svd(stacked, compute_uv=False).sum()
    assert np.isclose(float(trace_norm([tf.constant(stacked[:, :3]), tf.constant(stacked[:, 3:])])), expected)


def test_laplacian_value_is_the_trace_form_with_a_similarity_graph_on_unlabelled_rows():
    features, probabilities, unlabelled = _batch()
    distances = np.linalg.norm(features[:, None] - features[None], axis=-1)
    sigma = np.median(distances[~np.eye(len(features), dtype=bool)])
    keep = unlabelled > 0
    weights = np.exp(-distances[keep][:, keep] ** 2 / (2 * sigma**2))
    np.fill_diagonal(weights, 0.0)
    laplacian = np.diag(weights.sum(1)) - weights
    p = probabilities[keep]
    expected = np.trace(p.T @ laplacian @ p) / len(features)
    value = laplacian_smoothness(tf.constant(features), tf.constant(probabilities), tf.constant(unlabelled))
    assert np.isclose(float(value), expected, rtol=1e-9) and expected > 0
    assert np.isclose(float(median_distance(squared_distances(tf.constant(features)))), sigma)


@pytest.mark.parametrize("wrt", ["features", "probabilities"])
def test_laplacian_gradient_matches_finite_differences_at_a_fixed_sigma(wrt):
    features, probabilities, unlabelled = _batch(3)
    sigma = 1.7
    if wrt == "features":
        fn = lambda f: laplacian_smoothness(f, tf.constant(probabilities), tf.constant(unlabelled), sigma)  # noqa: E731
        _check_gradient(fn, features)
    else:
        fn = lambda p: laplacian_smoothness(tf.constant(features), p, tf.constant(unlabelled), sigma)  # noqa: E731
        _check_gradient(fn, probabilities)


def test_laplacian_sigma_carries_no_gradient():
    features, probabilities, unlabelled = _batch(4)
    sigma = float(median_distance(squared_distances(tf.constant(features))))
    free = _gradient(lambda f: laplacian_smoothness(f, tf.constant(probabilities), tf.constant(unlabelled)), features)
    fixed = _gradient(lambda f: laplacian_smoothness(f, tf.constant(probabilities), tf.constant(unlabelled), sigma),
                      features)
    np.testing.assert_allclose(free, fixed, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("rows,unlabelled", [(6, [1, 0, 0, 0, 0, 0]), (6, [0] * 6), (1, [1]), (1, [0])])
def test_laplacian_is_exactly_zero_below_two_unlabelled_rows(rows, unlabelled):
    features, probabilities, _ = _batch(5)
    features = features[:rows]
    grad = _gradient(lambda f: laplacian_smoothness(f, tf.constant(probabilities[:rows]),
                                                    tf.constant(unlabelled, tf.float64)), features)
    value = laplacian_smoothness(tf.constant(features), tf.constant(probabilities[:rows]),
                                 tf.constant(unlabelled, tf.float64))
    assert float(value) == 0.0 and np.all(np.isfinite(grad))


def _conv_head_model(batch_norm: bool):
    images = keras.Input((4, 4, 6), name="image")
    outputs = {}
    for task in TASKS:
        x = keras.layers.Conv2D(TASK_SPECS[task].num_classes, 3, padding="same", name=f"{task}_conv")(images)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"{task}_bn")(x)
        logits = keras.layers.GlobalAveragePooling2D(name=f"{task}_logits")(x)
        outputs |= {task: keras.layers.Softmax()(logits), f"{task}_logits": logits,
                    f"{task}_features": keras.layers.GlobalAveragePooling2D()(images)}
    return keras.Model(images, outputs)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_conv_heads_give_the_kernel_flattened_to_offsets_times_channels(batch_norm):
    model = _conv_head_model(batch_norm)
    assert find_head_layer(model, "pose").name == "pose_conv"
    kernels = head_kernels(model, TASKS)
    assert [tuple(head_matrix(kernels[t]).shape) for t in TASKS] == [(3 * 3 * 6, 7), (3 * 3 * 6, 5)]
    assert len(build_regularizers(ALL_ON, model, TASKS)) == 3


def test_dense_heads_of_the_tiny_model_are_found_by_the_logits_output():
    model = testing.tiny_model(TASKS)
    assert [find_head_layer(model, t).name for t in TASKS] == ["emotion_logit_layer", "pose_logit_layer"]
    assert head_kernels(model, TASKS)["emotion"] is model.get_layer("emotion_logit_layer").kernel


def test_unknown_head_layouts_raise_and_take_an_explicit_map():
    features = keras.Input((8,))
    logits = keras.layers.Add()([keras.layers.Dense(7, name="a")(features), keras.layers.Dense(7, name="b")(features)])
    model = keras.Model(features, {"emotion": keras.layers.Softmax()(logits), "emotion_logits": logits})
    with pytest.raises(ValueError, match="pass heads"):
        find_head_layer(model, "emotion")
    (term,) = build_regularizers(RegularizerSettings(l21=1.0), model, ("emotion",), heads={"emotion": model.get_layer("a")})
    assert term.kernels["emotion"] is model.get_layer("a").kernel


def test_trace_norm_refuses_heads_with_different_input_rows():
    features = keras.Input((8,))
    outputs = {}
    for task, width in zip(TASKS, (4, 6), strict=True):
        logits = keras.layers.Dense(TASK_SPECS[task].num_classes)(keras.layers.Dense(width)(features))
        outputs |= {task: logits, f"{task}_logits": logits}
    with pytest.raises(ValueError, match="same input rows"):
        build_regularizers(RegularizerSettings(trace_norm=1.0), keras.Model(features, outputs), TASKS)


def test_a_positive_coefficient_without_a_term_raises():
    class Extra(RegularizerSettings):
        elastic: float = 1.0

    with pytest.raises(ValueError, match="no registered term"):
        build_regularizers(Extra(), testing.tiny_model(TASKS), TASKS)


def _step_batch(rows: int, labelled: str | None, same_images: bool = False):
    rng = np.random.default_rng(rows)
    images = rng.uniform(0, 255, (1 if same_images else rows, 8, 8, 1)).astype(np.float32)
    images = np.repeat(images, rows, axis=0) if same_images else images
    labels = {t: tf.constant(np.full(rows, 0 if t == labelled else -1, np.int32)) for t in TASKS}
    masks = {t: tf.constant(np.full(rows, float(t == labelled)), tf.float32) for t in TASKS}
    return tf.constant(images), labels, masks, tf.constant([b"x"] * rows)


def _regularized_gradients(model, batch, settings=ALL_ON):
    builder = StepBuilder(model, None, TASKS, {}, {}, None, regularizers=build_regularizers(settings, model, TASKS))
    with tf.GradientTape() as tape:
        total, per_loss = builder.losses(*batch)
    return total, per_loss, dict(zip([v.name for v in model.trainable_variables],
                                     tape.gradient(total, model.trainable_variables), strict=True))


@pytest.mark.parametrize("rows,labelled,same", [(8, "emotion", False), (8, None, False), (1, "pose", False),
                                                (1, None, False), (6, None, True)])
def test_the_regularised_loss_and_its_gradients_stay_finite(rows, labelled, same):
    keras.utils.set_random_seed(0)
    total, per_loss, grads = _regularized_gradients(testing.tiny_model(TASKS), _step_batch(rows, labelled, same))
    assert np.isfinite(float(total)) and {"reg_l21", "reg_laplacian", "reg_trace_norm"} <= set(per_loss)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads.values() if g is not None)
    if rows == 1:
        assert float(per_loss["reg_laplacian"]) == 0.0


def test_gradients_are_non_zero_where_the_original_manifold_loss_had_none():
    """The original's manifold loss was a constant of the batch (spec 7.5): zero gradient everywhere."""
    keras.utils.set_random_seed(0)
    model = testing.tiny_model(TASKS)
    batch = _step_batch(8, None)  # nothing labelled: every gradient below comes from the regularisers
    for settings, layers in [(ALL_ON, ["logit_layer", "fc"]), (RegularizerSettings(laplacian=1.0), ["fc"]),
                             (RegularizerSettings(l21=1.0), ["logit_layer"]),
                             (RegularizerSettings(trace_norm=1.0), ["logit_layer"])]:
        _, _, grads = _regularized_gradients(model, batch, settings)
        for task in TASKS:
            for layer in layers:
                assert np.abs(grads[f"{task}_{layer}/kernel:0"].numpy()).max() > 0, (settings, task, layer)


def _trained_weights(setup, *argv, preset):
    config, model, sources, run = setup(*STEPS, *argv, preset=preset)
    trainer = make_trainer(config, model, sources, run)
    trainer.fit()
    return model.get_weights(), run.read_metrics()[0]


def test_a_regularised_run_differs_from_all_in_one_and_an_unregularised_one_does_not(setup):
    baseline, _ = _trained_weights(setup, preset="all-in-one")
    regularised, record = _trained_weights(setup, preset="sfsmr")
    zeroed, plain = _trained_weights(setup, "--regularizers_l21", "0", "--regularizers_trace_norm", "0",
                                     "--regularizers_laplacian", "0", preset="sfsmr")
    assert all(np.array_equal(a, b) for a, b in zip(baseline, zeroed, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(baseline, regularised, strict=True))
    terms = {k: v for k, v in record.items() if k.startswith("train_loss_reg_")}
    assert set(terms) == {"train_loss_reg_l21", "train_loss_reg_laplacian", "train_loss_reg_trace_norm"}
    assert all(np.isfinite(v) and v > 0 for v in terms.values())
    assert not any(k.startswith("train_loss_reg_") for k in plain)
