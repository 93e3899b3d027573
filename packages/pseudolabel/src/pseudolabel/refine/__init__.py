"""Components of this folder register themselves on import; one file per component."""

from faceschemas.registry import discover

discover(__name__)
