"""Backbones: declared specs, exact parameter counts, preprocessing, the mini-Xception shortcut."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

import facemodels
from facemodels.backbones import get_backbone, list_backbones
from facemodels.backbones.mobilenetv2.backbone import feature_dim as mobilenet_feature_dim

# (total, trainable) parameters of each full-size trunk at its default input shape. Where a
# published figure exists it is that figure: Keras' reference models without top (VGG16
# 14,714,688; MobileNetV2 2,257,984 / 2,223,872; ResNet50 23,587,712 / 23,534,592) and
# torchvision's ResNet-18 without fc (11,176,512 trainable; plus 9,600 BatchNorm moving
# statistics = 11,186,112). mini_xception (no published trunk-only figure) was computed once
# with `get_backbone("mini_xception").build().count_params()` and its trainable weights, then
# written down; a change of the architecture must change it here on purpose.
PARAMS = {
    "mini_xception": (50_352, 48_880),
    "mobilenetv2": (2_257_984, 2_223_872),
    "resnet18": (11_186_112, 11_176_512),
    "resnet50": (23_587_712, 23_534_592),
    "vggface16": (14_714_688, 14_714_688),
}


@pytest.mark.parametrize("name", list_backbones())
def test_spec_declares_input_preprocess_and_features(name, small):
    spec = get_backbone(name)
    assert len(spec.input_shape) == 3 and spec.channels in (1, 3)
    assert callable(spec.preprocess) and spec.feature_dim > 0
    options = small(name)
    shape = options.pop("input_shape", spec.input_shape[:2])
    trunk = spec.build((*shape, spec.channels), **options)
    assert trunk.name == facemodels.BACKBONE_NAME and len(trunk.output_shape) == 4


@pytest.mark.parametrize("name", list_backbones())
def test_full_trunk_parameter_counts_and_feature_dim(name):
    spec = get_backbone(name)
    trunk = spec.build()
    trainable = sum(int(np.prod(w.shape)) for w in trunk.trainable_weights)
    assert (trunk.count_params(), trainable) == PARAMS[name]
    if spec.neck == "flatten_fc1024":  # VGG: pool5 is 7x7x512 at 224, the neck adds common_fc
        assert trunk.output_shape[1:] == (7, 7, 512) and spec.feature_dim == 1024
    else:
        assert trunk.output_shape[-1] == spec.feature_dim


@pytest.mark.parametrize("name", list_backbones())
def test_batchnorm_moving_statistics_settle_within_a_short_cpu_run(name, small):
    # A few hundred steps is what runs here last: with momentum m the moving statistics keep m**300
    # of their initial values (0.999: 74 %, and inference answered one class per task).
    spec = get_backbone(name)
    options = small(name)
    trunk = spec.build((*options.pop("input_shape", spec.input_shape[:2]), spec.channels), **options)
    momenta = {layer.momentum for layer in trunk.layers if isinstance(layer, keras.layers.BatchNormalization)}
    assert all(m ** 300 < 0.05 for m in momenta), momenta


def test_every_backbone_has_its_figures():
    assert sorted(PARAMS) == sorted(list_backbones())


def test_mobilenet_width_option():
    slim = get_backbone("mobilenetv2").build(alpha=0.35)
    assert slim.count_params() < 500_000 and slim.output_shape[-1] == mobilenet_feature_dim(0.35) == 1280


@pytest.mark.parametrize("name", ["vggface16", "resnet18", "resnet50"])
def test_width_option_shrinks_the_trunk(name):
    spec = get_backbone(name)
    narrow = spec.build(input_shape=(32, 32, 3), width=0.25)
    assert narrow.count_params() < {"vggface16": 14_714_688, "resnet18": 11_186_112, "resnet50": 23_587_712}[name] / 10
    assert narrow.output_shape[-1] == {"vggface16": 512, "resnet18": 512, "resnet50": 2048}[name] // 4


@pytest.mark.parametrize("name", list_backbones())
def test_preprocess_is_the_same_on_numpy_tf_and_in_the_model(name, images):
    spec = get_backbone(name)
    raw = images((8, 8, spec.channels))
    on_numpy = spec.preprocess(raw)
    on_tf = spec.preprocess(tf.constant(raw)).numpy()
    in_layer = facemodels.Preprocess(spec.preprocess_name)(raw).numpy()
    assert on_numpy.dtype == np.float32
    np.testing.assert_allclose(on_numpy, on_tf, rtol=1e-6)
    np.testing.assert_allclose(on_numpy, in_layer, rtol=1e-6)


def test_xception_preprocessing_matches_the_fer_file():
    # pitfalls.md: the FER2013 file expects x/255 then (x - 0.5) * 2.
    out = get_backbone("mini_xception").preprocess(np.array([0, 127.5, 255]))
    np.testing.assert_allclose(out, [-1.0, 0.0, 1.0])


def test_mini_xception_shortcut_equals_a_strided_1x1_conv(images):
    """The crash-free shortcut (subsample + 1x1 stride 1) computes the published stride-2 conv."""
    x = images((60, 60, 8), n=2).astype(np.float32)
    trunk = get_backbone("mini_xception").build()
    subsample, conv = trunk.get_layer("block1_subsample"), trunk.get_layer("block1_shortcut_conv")
    strided = keras.layers.Conv2D(16, 1, strides=2, padding="same", use_bias=False)
    strided.build(x.shape)
    strided.set_weights(conv.get_weights())
    np.testing.assert_allclose(conv(subsample(x)).numpy(), strided(x).numpy(), rtol=1e-5, atol=1e-4)
    assert conv.get_weights()[0].shape == (1, 1, 8, 16)


def test_published_shortcut_layout_has_the_same_weights():
    spec = get_backbone("mini_xception")
    ours, published = spec.build(), spec.build(strided_shortcut=True)
    assert [w.shape for w in ours.weights] == [w.shape for w in published.weights]
    published.set_weights(ours.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 64, 64, 1)).astype(np.float32)
    np.testing.assert_allclose(ours(x), published(x), rtol=1e-4, atol=1e-4)
