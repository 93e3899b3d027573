"""Label propagation (spec 7.4 option A, Zhou et al. 2004) for the DCN-AP baseline."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.refine._graph import NeighborSearch, affinity, normalised
from pseudolabel.registries import REFINERS


def iterate(s, p: np.ndarray, alpha: float, max_iter: int, tol: float) -> tuple[np.ndarray, int]:
    """F <- alpha S F + (1 - alpha) P from F = P, until max |change| < tol or max_iter steps."""
    f = p.copy()
    base = (1.0 - alpha) * p
    for step in range(1, max_iter + 1):
        new = alpha * (s @ f) + base
        change = float(np.abs(new - f).max()) if f.size else 0.0
        f = new
        if change < tol:
            return f, step
    return f, max_iter


def propagate(
    features: np.ndarray,
    probabilities: np.ndarray,
    k: int = 10,
    alpha: float = 0.99,
    sigma: float | None = None,
    max_iter: int = 400,
    tol: float = 1e-6,
    *,
    neighbors: NeighborSearch = "auto",
    seed: int = 0,
) -> tuple[np.ndarray, int]:
    """Spreads the model's probabilities P over the cosine k-NN graph of the features.

    Args:
        features: [N, D] head features of the images lacking the task's label.
        probabilities: [N, C] the model's predictions P.
        k: neighbours per node (self excluded).
        alpha: how much a node listens to its neighbours rather than to its own P.
        sigma: Gaussian width of W; None uses the median k-NN distance.
        max_iter: iteration cap (the original ran 400).
        tol: stop once the largest change of F is below this.
        neighbors: "exact" brute-force search, "ivf" cell search, "auto" by size.
        seed: seeds the cell partition of the "ivf" search.

    Returns:
        (F [N, C] float64, not normalised; the number of iterations run).
    """
    p = np.asarray(probabilities, np.float64)
    s = normalised(affinity(features, k, sigma, neighbors, seed))
    return iterate(s, p, alpha, max_iter, tol)


def to_distribution(f: np.ndarray) -> np.ndarray:
    """Rows of F scaled to sum 1 (F is non-negative); an all-zero row becomes uniform."""
    f = np.maximum(f, 0.0)
    total = f.sum(axis=1, keepdims=True)
    return np.where(total > 0, f / np.where(total > 0, total, 1.0), 1.0 / f.shape[1])


@REFINERS.register("label_propagation")
class LabelPropagation:
    """Refined probabilities = row-normalised F of `propagate`."""

    needs_features = True

    class Settings(FrozenModel):
        """Graph and iteration options (spec 7.4: k = 10, alpha = 0.99, 400 iterations)."""

        k: int = Field(default=10, ge=1)
        alpha: float = Field(default=0.99, gt=0, lt=1)
        sigma: float | None = Field(default=None, gt=0)
        max_iter: int = Field(default=400, ge=1)
        tol: float = Field(default=1e-6, gt=0)
        neighbors: NeighborSearch = "auto"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> LabelPropagation:
        return cls()

    def __call__(self, features: np.ndarray, probabilities: np.ndarray, seed: int = 0) -> np.ndarray:
        """[N, C] refined probabilities."""
        s = self.settings
        f, _ = propagate(
            features, probabilities, s.k, s.alpha, s.sigma, s.max_iter, s.tol,
            neighbors=s.neighbors, seed=seed,
        )
        return to_distribution(f)
