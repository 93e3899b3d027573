"""Export: SavedModel signature and TFLite (float, int8) outputs against the Keras model."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import facemodels
from facemodels.backbones import list_backbones
from facemodels.export import export_model
from facemodels.export.runtime import run_tflite
from facemodels.export.tflite import representative_images

TASKS = ("emotion", "pose", "age", "gender", "smile")


def _model(name, options, calibrate):
    model = facemodels.build_model(name, "EPAGS", regression=("yaw",), **options)
    calibrate(model, representative_images(model.input_shape[1:], count=16, seed=1))
    return model


def _compare(model, exported, fmt, batch, strict_int8=True):
    expected = model(batch.astype(np.float32))
    assert set(exported) == set(TASKS), "the signature returns every task's probabilities only"
    for task in TASKS:
        got, want = np.asarray(exported[task]), expected[task].numpy()
        assert got.shape == want.shape
        if fmt != "tflite-int8":
            np.testing.assert_allclose(got, want, atol=1e-4)  # float round-off of deep trunks
        elif strict_int8:
            # quantisation error of an untrained model's probabilities: small on average, bounded
            assert np.abs(got - want).mean() < 0.05 and np.abs(got - want).max() < 0.25
            assert (got.argmax(1) == want.argmax(1)).mean() >= 0.75
        else:
            # untrained deep trunks quantise too poorly (random activations, mean errors
            # 0.1-0.5) for a fidelity bound: check it runs and gives probabilities
            np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=0.05)
            assert got.min() >= 0 and got.max() <= 1


def _export_and_check(name, options, fmt, calibrate, tmp_path, strict_int8=True):
    model = _model(name, options, calibrate)
    batch = representative_images(model.input_shape[1:], count=8, seed=2)
    path = export_model(model, tmp_path / f"out.{fmt}", fmt)
    if fmt == "savedmodel":
        serve = tf.saved_model.load(str(path)).signatures["serving_default"]
        exported = serve(images=tf.constant(batch))
    else:
        exported = run_tflite(path, batch)
        assert run_tflite(path, batch[:1])["emotion"].shape == (1, 7), "any batch size"
    _compare(model, exported, fmt, batch, strict_int8)


# mini_xception in the default run (strict int8 tolerance); the other backbones in slow runs.
FAST_THEN_SLOW = [name if name == "mini_xception" else pytest.param(name, marks=pytest.mark.slow)
                  for name in list_backbones()]


@pytest.mark.parametrize("fmt", ["tflite", "tflite-int8", "savedmodel"])
@pytest.mark.parametrize("name", FAST_THEN_SLOW)
def test_export_every_backbone(name, fmt, small, calibrate, tmp_path):
    _export_and_check(name, small(name), fmt, calibrate, tmp_path, strict_int8=name == "mini_xception")


def test_unknown_format_lists_the_known_ones(tmp_path):
    model = facemodels.build_model("mini_xception", "E")
    with pytest.raises(KeyError, match="savedmodel, tflite, tflite-int8"):
        export_model(model, tmp_path / "x", "onnx")
