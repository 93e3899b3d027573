"""Saving and loading whole multi-task models (`.keras` or SavedModel) with the custom layers.

Loading never runs Python code from the file unless the caller trusts it (`trust=True`, or
inside `trusted_models()`, which is what `--trust-model` sets): `model_files` reads the real
format from the content and refuses layers that carry code before Keras deserialises anything.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path

import tf_keras as keras

import facemodels.heads  # noqa: F401  (registers CrossStitch)
import facemodels.layers  # noqa: F401  (registers Preprocess, ToChannels)
from facemodels.model_files import check_model_file, model_format
from faceschemas.layouts import RunLayout

_TRUSTED = contextvars.ContextVar("facemodels_trusted_models", default=False)


def save_model(model: keras.Model, path: str | Path) -> Path:
    """Saves `model`: a path ending in `.keras` gives the Keras v3 zip, anything else a SavedModel."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".keras":
        model.save(path)
    else:
        model.save(str(path), save_format="tf", include_optimizer=False)
    return path


@contextlib.contextmanager
def trusted_models(trust: bool = True) -> Iterator[None]:
    """Inside this block, `load_model` loads files whose layers carry code (`--trust-model`)."""
    token = _TRUSTED.set(bool(trust))
    try:
        yield
    finally:
        _TRUSTED.reset(token)


def load_model(path: str | Path, *, trust: bool | None = None) -> keras.Model:
    """Loads a model saved by `save_model` (uncompiled: the trainer compiles it).

    Args:
        path: a zip `.keras` file, an HDF5 model file, a SavedModel folder, or a run folder
            holding `model.keras`; the format is read from the content, not the name.
        trust: load even when a layer carries Python code (Lambda, serialized functions,
            classes outside Keras and the toolkit). Default: what `trusted_models` set (False).

    Raises:
        FileNotFoundError: nothing at `path`.
        UnsafeModelError (a ValueError): a layer carries code and the file is not trusted; the
            one-line message names the layer.
        ValueError: `path` is not a model file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"model not found: {path}")
    if path.is_dir() and (path / RunLayout.MODEL).exists():
        path = path / RunLayout.MODEL
    trusted = _TRUSTED.get() if trust is None else trust
    fmt = model_format(path) if trusted else check_model_file(path)
    if fmt == "keras_zip":
        return keras.models.load_model(path, compile=False, safe_mode=not trusted)
    if fmt == "hdf5":  # an h5py.File makes tf-keras read HDF5 whatever the file is called
        import h5py

        with h5py.File(path, "r") as h5:
            return keras.models.load_model(h5, compile=False)
    return keras.models.load_model(str(path), compile=False)
