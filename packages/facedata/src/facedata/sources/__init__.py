"""Source adapters, one file per raw format; every module of this folder is imported here.

Adding an adapter is one new file with an `@register_source("name")` class: the loop below
imports it, and the decorator registers it.
"""

from __future__ import annotations

import importlib
import pkgutil

from facedata.sources.base import (
    LayoutError,
    Rejection,
    SourceAdapter,
    get_source,
    register_source,
    source_names,
)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["LayoutError", "Rejection", "SourceAdapter", "get_source", "register_source", "source_names"]
