"""Earth Mover's Distance from a U cluster to the labelled set's signature (spec 6.5 step 2).

The original solved a small transport problem with SLSQP; here POT's exact network simplex
(`ot.emd2`) solves it, with Euclidean ground distances between cluster means (spec 6.5 [REC]).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import ot
from pydantic import Field

from faceschemas.base import FrozenModel
from pseudolabel.clustering._clusters import Clusters
from pseudolabel.registries import DISTANCES


def ground_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[len(x), len(y)] Euclidean distances between signature points (float64, for POT)."""
    diff = np.asarray(x, np.float64)[:, None, :] - np.asarray(y, np.float64)[None, :, :]
    return np.sqrt((diff * diff).sum(axis=2))


def emd(x: np.ndarray, a: np.ndarray, y: np.ndarray, b: np.ndarray) -> float:
    """Balanced EMD between signatures (x, a) and (y, b), each mass renormalised to 1.

    Args:
        x: [n, D] source points; a: [n] their non-negative masses.
        y: [m, D] target points; b: [m] their non-negative masses.

    Returns:
        min over flows F >= 0 with rows summing to a and columns to b of sum F_ij ||x_i - y_j||.
    """
    a = np.asarray(a, np.float64) / np.sum(a)
    b = np.asarray(b, np.float64) / np.sum(b)
    return float(ot.emd2(a, b, ground_distances(x, y)))


def partial_emd(x: np.ndarray, mass: float, y: np.ndarray, b: np.ndarray) -> float:
    """The original's EMD: one point of mass m <= 1 into targets of capacities b (sum 1).

    Total flow is m (spec 6.5 step 2) and the cost is divided by it. A dummy source holding the
    other 1 - m at zero cost makes it a balanced problem for `ot.emd2`: the real mass then goes
    to the nearest targets first, as the capacity-constrained original does.
    """
    b = np.asarray(b, np.float64) / np.sum(b)
    cost = np.vstack([ground_distances(np.atleast_2d(x), y), np.zeros((1, len(b)))])
    a = np.array([mass, max(0.0, 1.0 - mass)])
    return float(ot.emd2(a, b, cost)) / mass


@DISTANCES.register("emd")
class EMDDistance:
    """d_i = EMD({mu^U_i}, {mu^L_j, pi^L_j}) for every U cluster i."""

    class Settings(FrozenModel):
        """Which source mass the one-point signature carries."""

        source_mass: Literal["one", "cluster"] = Field(
            default="one",
            description="one: mass 1, balanced EMD (spec 6.5 [REC], 'source mass renormalised'); "
            "cluster: mass pi^U_i, the original's partial flow.",
        )

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    def _one(self, u: Clusters, i: int, labelled: Clusters) -> float:
        if self.settings.source_mass == "cluster":
            return partial_emd(u.means[i], float(u.weights[i]), labelled.means, labelled.weights)
        return emd(u.means[i : i + 1], np.ones(1), labelled.means, labelled.weights)

    def __call__(self, u: Clusters, labelled: Clusters, seed: int = 0) -> np.ndarray:
        """[K_U] distances, one per U cluster."""
        return np.array([self._one(u, i, labelled) for i in range(u.k)])
