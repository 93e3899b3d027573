"""Potts MRF by mean field (spec 7.4 option B) for the DCN-AP baseline.

Energy: sum_i -log P_i(y_i) + beta sum_{i~j} W_ij [y_i != y_j]. The mean-field update of node i is
Q_i(y) ∝ P_i(y) exp(beta sum_j W_ij Q_j(y)): the disagreement term sum_j W_ij (1 - Q_j(y)) differs
from -sum_j W_ij Q_j(y) by a constant in y, which the normalisation removes.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.refine._graph import NeighborSearch, affinity
from pseudolabel.registries import REFINERS

_TINY = 1e-12  # keeps log P finite for zero probabilities


def mean_field(w, p: np.ndarray, beta: float, sweeps: int) -> np.ndarray:
    """`sweeps` synchronous mean-field updates from Q = P; returns Q [N, C] (rows sum to 1)."""
    log_p = np.log(np.maximum(p, _TINY))
    q = p.copy()
    for _ in range(sweeps):
        z = log_p + beta * (w @ q)
        z -= z.max(axis=1, keepdims=True)
        q = np.exp(z)
        q /= q.sum(axis=1, keepdims=True)
    return q


def refine_mrf(
    features: np.ndarray,
    probabilities: np.ndarray,
    k: int = 10,
    beta: float = 1.0,
    sweeps: int = 10,
    sigma: float | None = None,
    *,
    neighbors: NeighborSearch = "auto",
    seed: int = 0,
) -> np.ndarray:
    """Q of the Potts MRF on the same k-NN graph as label propagation."""
    p = np.asarray(probabilities, np.float64)
    return mean_field(affinity(features, k, sigma, neighbors, seed), p, beta, sweeps)


@REFINERS.register("mrf")
class PottsMRF:
    """Refined probabilities = mean-field marginals Q."""

    needs_features = True

    class Settings(FrozenModel):
        """Graph and field options."""

        k: int = Field(default=10, ge=1)
        beta: float = Field(default=1.0, ge=0, description="Weight of the Potts smoothness term.")
        sweeps: int = Field(default=10, ge=1)
        sigma: float | None = Field(default=None, gt=0)
        neighbors: NeighborSearch = "auto"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> PottsMRF:
        return cls()

    def __call__(self, features: np.ndarray, probabilities: np.ndarray, seed: int = 0) -> np.ndarray:
        """[N, C] refined probabilities."""
        s = self.settings
        return refine_mrf(
            features, probabilities, s.k, s.beta, s.sweeps, s.sigma,
            neighbors=s.neighbors, seed=seed,
        )
