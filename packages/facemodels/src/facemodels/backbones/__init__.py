"""Backbone registry: one folder per backbone, each registering itself on import."""

from __future__ import annotations

import importlib
import pkgutil

from facemodels.backbones.base import BACKBONE_NAME, BACKBONES, BackboneSpec, register_backbone

# Importing each sub-folder's backbone.py runs its @register_backbone decorator: adding a
# backbone is adding a folder, nothing here changes.
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    if _info.ispkg:
        importlib.import_module(f"{__name__}.{_info.name}.backbone")


def get_backbone(name: str) -> BackboneSpec:
    """The `BackboneSpec` called `name`; an unknown name lists the known ones."""
    return BACKBONES.get(name)


def list_backbones() -> list[str]:
    """Names of every registered backbone."""
    return BACKBONES.names()


__all__ = ["BACKBONES", "BACKBONE_NAME", "BackboneSpec", "get_backbone", "list_backbones", "register_backbone"]
