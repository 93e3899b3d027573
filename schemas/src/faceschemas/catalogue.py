"""The names of components that packages above faceschemas register, read without importing them.

A config is validated before any heavy package loads: `mtl config check --backbone resnet99` must
answer in a fraction of a second, with no TensorFlow. The names it checks against live in the
component folders of the packages above, so this module reads those folders as files:

- each package declares its component folders once, as entry points of the group
  `faceschemas.components` (entry point name = the family, value = the folder's dotted package);
- a component's name is its file or sub-folder name in that folder, the same name it registers
  under on import (a house-rules test checks that the two agree), so a new component is still one
  new file and nothing here changes;
- declarative components (the method presets) are TOML files whose stem is the name.

A family whose package is not installed has no names; `is_known` then accepts any name and the
family's own registry answers later (faceschemas alone is a valid install).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

import tomllib

from faceschemas.registry import Registry

ENTRY_POINT_GROUP = "faceschemas.components"

# Module names in a component folder that hold the family's contract or helpers, not components.
_NOT_COMPONENTS = ("base",)


class CatalogueError(ValueError):
    """A declarative component file that cannot be read (names the file)."""


@functools.cache
def component_folder(family: str) -> Path | None:
    """The folder of `family`'s components, or None when no installed package declares it."""
    found = [ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == family]
    if not found:
        return None
    top, *inner = found[0].value.split(".")
    # find_spec of a top-level package locates it without running its __init__ (no TensorFlow).
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)), *inner)


@functools.cache
def component_names(family: str) -> tuple[str, ...]:
    """Sorted names of `family`'s components: the modules and sub-packages of its folder."""
    folder = component_folder(family)
    if folder is None:
        return ()
    names = set()
    for entry in folder.iterdir():
        name = entry.stem if entry.suffix == ".py" else entry.name
        is_component = entry.suffix == ".py" or (entry.is_dir() and (entry / "__init__.py").exists())
        if is_component and not name.startswith("_") and name not in _NOT_COMPONENTS:
            names.add(name)
    return tuple(sorted(names))


def is_known(family: str, name: str) -> bool:
    """True when `name` is one of `family`'s components, or when no installed package declares it."""
    return component_folder(family) is None or name in component_names(family)


@functools.cache
def declarative_components(family: str) -> Registry[dict[str, Any]]:
    """`family`'s TOML components by file stem, each flattened to {"group.setting": value}."""
    registry: Registry[dict[str, Any]] = Registry(family.replace("_", " ").rstrip("s"))
    folder = component_folder(family)
    if folder is None:
        return registry
    for path in sorted(folder.glob("*.toml"), key=lambda p: p.stem):
        try:
            table = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise CatalogueError(f"{path}: {err}") from None
        registry.add(path.stem, _flatten(table))
    return registry


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat
