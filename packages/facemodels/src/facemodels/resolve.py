"""Turning what a user names (a run folder, a model file or a preset) into a loaded model."""

from __future__ import annotations

from pathlib import Path

import tf_keras as keras

from facemodels.presets import PRESETS, load_preset
from facemodels.saving import load_model

RUN_MODEL_FILE = "model.keras"


def resolve_model(ref: str | Path, models_dir: str | Path | None = None) -> keras.Model:
    """Loads the model named by `ref`.

    `ref` is a run folder holding `model.keras`, a `.keras` file, a SavedModel folder written by
    `save_model`, or a preset name (`mtl models list`).

    Raises:
        FileNotFoundError: nothing of the kind exists; the message lists what was tried.
    """
    path = Path(ref)
    if path.is_dir() and (path / RUN_MODEL_FILE).exists():
        return load_model(path / RUN_MODEL_FILE)
    if path.is_dir() and (path / "saved_model.pb").exists():
        return load_model(path)
    if path.is_file() and path.suffix == ".keras":
        return load_model(path)
    if str(ref) in PRESETS:
        return load_preset(str(ref), models_dir)
    raise FileNotFoundError(
        f"{ref}: not a run folder with {RUN_MODEL_FILE}, a .keras file, a SavedModel folder "
        f"or a preset (known presets: {', '.join(PRESETS.names())})"
    )
