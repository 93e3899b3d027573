"""Turning what a user names (a run folder, a model file or a preset) into a loaded model."""

from __future__ import annotations

from pathlib import Path

import tf_keras as keras

from facemodels.model_files import SAVED_MODEL_FILE
from facemodels.presets import PRESETS, load_preset
from facemodels.saving import load_model
from faceschemas.layouts import RunLayout


def resolve_model(ref: str | Path, models_dir: str | Path | None = None) -> keras.Model:
    """Loads the model named by `ref`.

    `ref` is a run folder holding `model.keras`, a model file (zip `.keras` or HDF5, told apart by
    content), a SavedModel folder written by `save_model`, or a preset name (`mtl models list`).
    Files whose layers carry code are refused unless trusted (`saving.trusted_models`).

    Raises:
        FileNotFoundError: nothing of the kind exists; the message lists what was tried.
        UnsafeModelError: a layer carries code and the file is not trusted.
    """
    path = Path(ref)
    if path.is_dir() and (path / RunLayout.MODEL).exists():
        return load_model(path / RunLayout.MODEL)
    if path.is_dir() and (path / SAVED_MODEL_FILE).exists():
        return load_model(path)
    if path.is_file():
        return load_model(path)
    if str(ref) in PRESETS:
        return load_preset(str(ref), models_dir)
    raise FileNotFoundError(
        f"{ref}: not a run folder with {RunLayout.MODEL}, a .keras file, a SavedModel folder "
        f"or a preset (known presets: {', '.join(PRESETS.names())})"
    )
