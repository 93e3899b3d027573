"""LEL-LTN models (spec 7.3 [REC]): the shared label embedding, the transfer networks, saving."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

import facemodels
from facemodels.layers import LabelEmbedding, StopGradient


def _lel_ltn(backbone="mini_xception", small=None, **options):
    kwargs = (small(backbone) if small else {}) | {"label_embedding": True, "label_transfer": True} | options
    return facemodels.build_model(backbone, "EPG", **kwargs)


# The config round trip of LabelEmbedding and StopGradient: test_saving.CUSTOM_LAYERS.


def test_label_embedding_rejects_the_wrong_number_or_width_of_inputs():
    with pytest.raises(ValueError, match="expects 2 inputs"):
        LabelEmbedding([3, 2], 4)([np.ones((1, 4), np.float32)])
    with pytest.raises(ValueError, match="4 features"):
        LabelEmbedding([3, 2], 4)([np.ones((1, 4), np.float32), np.ones((1, 5), np.float32)])


@pytest.mark.parametrize("backbone", ["mini_xception", "resnet18"])
def test_logits_are_the_projected_head_vector_times_the_tasks_rows_of_one_shared_embedding(backbone, small, images):
    model = _lel_ltn(backbone, small, label_embedding=16)
    assert {f"{t}_transfer_logits" for t in ("emotion", "pose", "gender")} <= set(model.output)
    embedding = model.get_layer("label_embedding").embeddings.numpy()
    assert embedding.shape == (7 + 5 + 2, 16)
    batch = images(model.input_shape[1:])
    projected = keras.Model(model.input, {t: model.get_layer(f"{t}_label_projection").output
                                          for t in ("emotion", "pose", "gender")})(batch)
    out = model(batch)
    rows = {"emotion": embedding[:7], "pose": embedding[7:12], "gender": embedding[12:]}
    for task, e in rows.items():
        np.testing.assert_allclose(out[f"{task}_logits"], projected[task].numpy() @ e.T, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(out[task], tf.nn.softmax(out[f"{task}_logits"]), rtol=1e-5, atol=1e-6)


def test_the_transfer_network_reads_the_other_tasks_predictions_behind_a_stop_gradient(images):
    model = _lel_ltn()
    batch = tf.constant(images(model.input_shape[1:]))
    with tf.GradientTape(persistent=True) as tape:
        out = model(batch, training=True)
        loss = tf.reduce_sum(out["pose_transfer_logits"])
    grads = dict(zip([v.name for v in model.trainable_variables],
                     tape.gradient(loss, model.trainable_variables), strict=True))
    own = {n for n in grads if n.startswith("pose_transfer")}
    assert own and all(grads[n] is not None for n in own)
    assert all(grads[n] is None for n in grads if n not in own)  # heads, embedding, trunk untouched
    # The inputs are the emotion and gender distributions, in that order.
    reads = keras.Model(model.input, model.get_layer("pose_transfer_stop").output)(batch).numpy()
    out = model(batch)
    np.testing.assert_allclose(reads, np.concatenate([out["emotion"], out["gender"]], axis=1), rtol=1e-5, atol=1e-6)


def test_lel_ltn_model_survives_a_safe_keras_round_trip(images, calibrate, tmp_path):
    model = _lel_ltn(dropout=True, batch_norm=True)
    batch = images(model.input_shape[1:])
    calibrate(model, batch)
    loaded = facemodels.load_model(facemodels.save_model(model, tmp_path / "model.keras"))
    expected, actual = model(batch), loaded(batch)
    assert set(actual) == set(expected) and "emotion_transfer_logits" in actual
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=1e-5, atol=1e-6)
    assert isinstance(loaded.get_layer("label_embedding"), LabelEmbedding)
    assert isinstance(loaded.get_layer("pose_transfer_stop"), StopGradient)


def test_the_options_are_checked_and_off_by_default():
    plain = facemodels.build_model("mini_xception", "EP")
    assert not any("transfer" in k for k in plain.output)
    assert all(layer.name != "label_embedding" for layer in plain.layers)
    with pytest.raises(ValueError, match="2\\+ tasks"):
        facemodels.build_model("mini_xception", "E", label_transfer=True)
    with pytest.raises(ValueError, match="positive dim"):
        facemodels.build_model("mini_xception", "EP", label_embedding=-3)
