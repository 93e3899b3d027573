"""build_model: outputs for every task combination, options, channel conversion, trunk access."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tf_keras as keras

import facemodels
from facemodels.backbones import get_backbone, list_backbones
from faceschemas.tasks import TASKS, parse_tasks

LETTERS = "EPAGS"
COMBOS = ["".join(c) for r in range(1, 6) for c in itertools.combinations(LETTERS, r)]


def _expected_keys(letters: str, regression: tuple[str, ...] = ()) -> set[str]:
    tasks = parse_tasks(letters)
    return {f"{t}{suffix}" for t in tasks for suffix in ("", "_logits", "_features")} | set(regression)


@pytest.mark.parametrize("name", list_backbones())
def test_every_backbone_with_every_task(name, small, images):
    model = facemodels.build_model(name, LETTERS, regression=("age_years", "yaw"), **small(name))
    out = model(images(model.input_shape[1:], n=2))
    assert set(out) == _expected_keys(LETTERS, ("age_years", "yaw")) == set(model.output_names)
    for task, spec in TASKS.items():
        assert out[task].shape == (2, spec.num_classes) == out[f"{task}_logits"].shape
        np.testing.assert_allclose(out[task].numpy().sum(axis=1), 1.0, rtol=1e-5)
        assert out[f"{task}_features"].shape == (2, 128)
    assert out["age_years"].shape == (2, 1) and not model.losses


# mini_xception in the default run; every other backbone with every combination in slow runs.
FAST_THEN_SLOW = [name if name == "mini_xception" else pytest.param(name, marks=pytest.mark.slow)
                  for name in list_backbones()]


@pytest.mark.parametrize("letters", COMBOS)
@pytest.mark.parametrize("name", FAST_THEN_SLOW)
def test_every_task_combination(name, letters, small):
    model = facemodels.build_model(name, letters, **small(name))
    assert set(model.output_names) == _expected_keys(letters)
    assert model.name == f"{name}_{letters}"


@pytest.mark.parametrize("name", list_backbones())
def test_options_add_layers_and_penalties(name, small):
    stitch = None if name == "mini_xception" else ("emotion", "pose")
    rich = facemodels.build_model(name, "EP", dropout=True, batch_norm=True, weight_decay=1e-4,
                                  cross_stitch=stitch, **small(name))
    names = {layer.name for layer in rich.layers}
    assert {"emotion_dropout", "pose_bn"} <= names
    assert len(rich.losses) >= len(facemodels.get_trunk(rich).losses) > 0
    assert (stitch is None) == ("cross_stitch" not in names)


def test_cross_stitch_starts_as_identity(images):
    model = facemodels.build_model("resnet18", "EPG", input_shape=(32, 32), width=0.25, cross_stitch=True)
    np.testing.assert_array_equal(model.get_layer("cross_stitch").get_weights()[0], np.eye(256))


@pytest.mark.parametrize("bad", [("emotion", "age"), ("emotion",)])
def test_cross_stitch_needs_two_of_the_tasks(bad):
    with pytest.raises(ValueError, match="cross_stitch"):
        facemodels.build_model("resnet18", "EP", input_shape=(32, 32), width=0.25, cross_stitch=bad)


def test_cross_stitch_is_refused_on_conv_heads():
    with pytest.raises(ValueError, match="dense heads"):
        facemodels.build_model("mini_xception", "EP", cross_stitch=True)


def test_unknown_names_are_explained():
    with pytest.raises(KeyError, match="known: .*mini_xception"):
        facemodels.build_model("vgg", "E")
    with pytest.raises(ValueError, match="regression target 'height'"):
        facemodels.build_model("mini_xception", "E", regression=("height",))


def test_freeze_and_unfreeze_the_trunk():
    model = facemodels.build_model("mini_xception", "E", freeze_backbone=True)
    trunk_weights = {id(w) for w in facemodels.get_trunk(model).weights}
    assert not any(id(w) in trunk_weights for w in model.trainable_weights)
    facemodels.set_backbone_trainable(model, True)
    assert any(id(w) in trunk_weights for w in model.trainable_weights)
    assert facemodels.backbone_layers(model)[0].name == "backbone_input"


def test_rgb_input_into_a_grey_backbone_sees_the_luma(images):
    grey = facemodels.build_model("mini_xception", "E")
    rgb = facemodels.build_model("mini_xception", "E", input_channels=3)
    rgb.set_weights(grey.get_weights())
    colour = images((64, 64, 3), n=2).astype(np.float32)
    luma = (colour * np.array([0.299, 0.587, 0.114], np.float32)).sum(-1, keepdims=True)
    np.testing.assert_allclose(rgb(colour)["emotion"], grey(luma)["emotion"], atol=1e-5)
    assert rgb.input_shape == (None, 64, 64, 3)


def test_grey_input_into_an_rgb_backbone_is_repeated(images):
    model = facemodels.build_model("resnet18", "G", input_shape=(32, 32), width=0.25, input_channels=1)
    grey = images((32, 32, 1), n=2)
    out = model(grey)["gender"]
    reference = keras.Model(model.input, model.get_layer("to_channels").output)(grey)
    np.testing.assert_array_equal(reference, np.repeat(grey, 3, axis=-1))
    assert out.shape == (2, 2)


def test_transfer_trunk_copies_and_checks_shapes():
    src = facemodels.build_model("mini_xception", "E")
    dst = facemodels.build_model("mini_xception", "PA")
    facemodels.transfer_trunk(src, dst)
    for a, b in zip(facemodels.get_trunk(src).get_weights(), facemodels.get_trunk(dst).get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="trunks differ"):
        facemodels.transfer_trunk(src, facemodels.build_model("resnet18", "E", input_shape=(32, 32), width=0.25))


def test_weights_from_a_saved_model_file(tmp_path):
    src = facemodels.build_model("mini_xception", "EG")
    facemodels.save_model(src, tmp_path / "src.keras")
    dst = facemodels.build_model("mini_xception", "GS", weights=tmp_path / "src.keras")
    np.testing.assert_array_equal(dst.get_layer("gender_conv").get_weights()[0],
                                  src.get_layer("gender_conv").get_weights()[0])
    np.testing.assert_array_equal(facemodels.get_trunk(dst).get_weights()[0], facemodels.get_trunk(src).get_weights()[0])


def test_weights_file_round_trip(tmp_path):
    src = facemodels.build_model("mini_xception", "E")
    src.save_weights(tmp_path / "m.weights.h5")
    dst = facemodels.build_model("mini_xception", "E", weights=tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(dst.get_weights()[-1], src.get_weights()[-1])
    with pytest.raises(FileNotFoundError):
        facemodels.build_model("mini_xception", "E", weights=tmp_path / "missing.h5")


def test_spec_preprocess_is_the_model_first_layer():
    model = facemodels.build_model("vggface16", "E", input_shape=(32, 32), width=0.25)
    assert model.get_layer("preprocess").mode == get_backbone("vggface16").preprocess_name
