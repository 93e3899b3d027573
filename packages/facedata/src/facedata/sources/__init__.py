"""Source adapters, one file per raw format; every module of this folder is imported here.

Adding an adapter is one new file with an `@register_source("name")` class: `discover` below
imports it, and the decorator registers it in `SOURCES` (a `faceschemas` Registry).
"""

from __future__ import annotations

from facedata.sources.base import (
    SOURCES,
    LayoutError,
    Rejection,
    SourceAdapter,
    get_source,
    register_source,
    source_names,
)
from faceschemas.registry import discover

discover(__name__)

__all__ = ["SOURCES", "LayoutError", "Rejection", "SourceAdapter", "get_source", "register_source", "source_names"]
