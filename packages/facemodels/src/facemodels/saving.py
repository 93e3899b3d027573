"""Saving and loading whole multi-task models (`.keras` or SavedModel) with the custom layers."""

from __future__ import annotations

from pathlib import Path

import tf_keras as keras

import facemodels.heads  # noqa: F401  (registers CrossStitch)
import facemodels.layers  # noqa: F401  (registers Preprocess, ToChannels)


def save_model(model: keras.Model, path: str | Path) -> Path:
    """Saves `model`: a path ending in `.keras` gives the Keras v3 zip, anything else a SavedModel."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".keras":
        model.save(path)
    else:
        model.save(str(path), save_format="tf", include_optimizer=False)
    return path


def load_model(path: str | Path) -> keras.Model:
    """Loads a model saved by `save_model` (uncompiled: the trainer compiles it)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"model not found: {path}")
    if path.is_dir() and (path / "model.keras").exists():
        path = path / "model.keras"
    return keras.models.load_model(path, compile=False)
