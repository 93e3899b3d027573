"""Pseudo-label selection and weighting (spec 6.1-6.8, 7.4): numpy, scikit-learn and POT only.

Public API: `PseudoInputs` in, `make_targets` -> `PseudoTargets` out, `diagnose` / `reliability`
to judge the weights against true labels, `propagate` for the DCN-AP refinement, and the
registries of every component family.
"""

import os

# POT probes every array backend at import; its TensorFlow probe alone costs ~6 s and ~800 MB
# (spec/pitfalls.md) and this package must never import TensorFlow (import-linter contract).
# These must be set before anything imports `ot`, so they come first in the package.
for _backend in ("TENSORFLOW", "PYTORCH", "JAX", "CUPY"):
    os.environ.setdefault(f"POT_BACKEND_DISABLE_{_backend}", "1")

from pseudolabel.combine import PseudoTargets, make_targets  # noqa: E402
from pseudolabel.diagnostics import diagnose, newest_tables, read_weight_correct, reliability  # noqa: E402
from pseudolabel.inputs import PseudoInputs  # noqa: E402
from pseudolabel.refine.label_propagation import propagate  # noqa: E402
from pseudolabel.registries import (  # noqa: E402
    CLUSTERINGS,
    DISTANCES,
    REFINERS,
    SELECTIONS,
    WEIGHTINGS,
    load_components,
)

load_components()

__version__ = "0.1.0"

__all__ = [
    "CLUSTERINGS",
    "DISTANCES",
    "REFINERS",
    "SELECTIONS",
    "WEIGHTINGS",
    "PseudoInputs",
    "PseudoTargets",
    "diagnose",
    "make_targets",
    "newest_tables",
    "propagate",
    "read_weight_correct",
    "reliability",
]
