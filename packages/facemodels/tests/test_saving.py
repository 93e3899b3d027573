"""Custom layers' configs, and whole models through `.keras` and SavedModel."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

import facemodels
from facemodels.backbones import list_backbones
from facemodels.layers import LabelEmbedding, StopGradient

CUSTOM_LAYERS = {
    "Preprocess": lambda: (facemodels.Preprocess("xception"), [np.full((1, 2, 2, 1), 200.0, np.float32)]),
    "ToChannels": lambda: (facemodels.ToChannels(1), [np.full((1, 2, 2, 3), 90.0, np.float32)]),
    "CrossStitch": lambda: (facemodels.CrossStitch(), [[np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32)]]),
    # LEL-LTN (spec 7.3): the shared label embedding and the stop-gradient of the transfer networks
    "LabelEmbedding": lambda: (LabelEmbedding([3, 2], 4),
                               [[np.ones((2, 4), np.float32), np.arange(8, dtype=np.float32).reshape(2, 4)]]),
    "StopGradient": lambda: (StopGradient(), [np.arange(6, dtype=np.float32).reshape(2, 3)]),
}


@pytest.mark.parametrize("name", sorted(CUSTOM_LAYERS))
def test_custom_layer_config_round_trip(name):
    layer, (inputs,) = CUSTOM_LAYERS[name]()
    before = layer(inputs)
    config = keras.layers.serialize(layer)
    assert config["registered_name"] == f"facemodels>{name}"
    clone = keras.layers.deserialize(config)
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
    clone(inputs)  # builds it
    clone.set_weights(layer.get_weights())
    for a, b in zip(tf.nest.flatten(before), tf.nest.flatten(clone(inputs)), strict=True):
        np.testing.assert_allclose(a, b)


def _assert_same_outputs(model, loaded, batch):
    expected, actual = model(batch), loaded(batch)
    assert set(actual) == set(expected)
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=1e-5, atol=1e-6)


def _fast_then_slow(names: list[str], fast: tuple[str, ...]) -> list:
    return [name if name in fast else pytest.param(name, marks=pytest.mark.slow) for name in names]


@pytest.mark.parametrize("name", _fast_then_slow(list_backbones(), ("mini_xception", "resnet18")))
def test_keras_file_round_trip(name, small, images, calibrate, tmp_path):
    stitch = None if name == "mini_xception" else True
    model = facemodels.build_model(name, "EPAGS", batch_norm=True, dropout=True, cross_stitch=stitch,
                                   regression=("age_years",), **small(name))
    batch = images(model.input_shape[1:])
    calibrate(model, batch)
    loaded = facemodels.load_model(facemodels.save_model(model, tmp_path / "model.keras"))
    _assert_same_outputs(model, loaded, batch)
    assert loaded.name == model.name and facemodels.get_trunk(loaded).name == "backbone"
    # a run folder holding model.keras loads the same way
    assert facemodels.load_model(tmp_path).name == model.name


def _savedmodel_round_trip(name, options, images, calibrate, tmp_path):
    model = facemodels.build_model(name, "EP", input_channels=3,
                                   cross_stitch=None if name == "mini_xception" else True, **options)
    batch = images(model.input_shape[1:])
    calibrate(model, batch)
    loaded = facemodels.load_model(facemodels.save_model(model, tmp_path / "savedmodel"))
    _assert_same_outputs(model, loaded, batch)


@pytest.mark.parametrize("name", _fast_then_slow(list_backbones(), ("mini_xception",)))
def test_savedmodel_round_trip(name, small, images, calibrate, tmp_path):
    _savedmodel_round_trip(name, small(name), images, calibrate, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", list_backbones())
def test_savedmodel_round_trip_at_full_size(name, images, calibrate, tmp_path):
    _savedmodel_round_trip(name, {}, images, calibrate, tmp_path)


def test_load_model_explains_a_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="model not found"):
        facemodels.load_model(tmp_path / "nothing.keras")
