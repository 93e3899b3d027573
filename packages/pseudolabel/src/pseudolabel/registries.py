"""The component families of the package, each one `faceschemas.registry.Registry` (DESIGN.md).

A component is a class with a nested pydantic `Settings` model (frozen, extra=forbid), built as
`Component(settings)`; `from_pseudo(settings)` builds it from the experiment's
`PseudoLabelSettings`. Each family lives in its own folder whose `__init__` discovers every module,
so adding a component is one file with one decorator.
"""

from __future__ import annotations

import importlib

from faceschemas.registry import Registry

# Per-sample factors of the raw weight r = c * rho * g (spec 6.2 rule 3).
WEIGHTINGS: Registry = Registry("pseudo-label weighting")
# Weight strategy: weights -> targets (spec 6.6) and the pure 0.5/0.5 mix (spec 6.2 rule 2).
SELECTIONS: Registry = Registry("pseudo-label selection")
# Refinement of the model's probabilities over a kNN graph (spec 7.4, DCN-AP).
REFINERS: Registry = Registry("pseudo-label refiner")
# Distance between a U cluster and the labelled set L (spec 6.5: EMD, or the MMD variant).
DISTANCES: Registry = Registry("distribution distance")
# Clusterings behind the distribution weight (spec 6.5: GMM, or k-means).
CLUSTERINGS: Registry = Registry("clustering")

_FOLDERS = ("clustering", "distances", "weighting", "selection", "refine")


def load_components() -> None:
    """Imports every component folder, which registers its components (idempotent)."""
    for folder in _FOLDERS:
        importlib.import_module(f"pseudolabel.{folder}")
