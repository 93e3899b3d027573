"""The result every clustering returns: a signature (means, weights) plus hard assignments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Clusters:
    """K clusters of a feature set (spec 6.5 step 1).

    Attributes:
        means: [K, D] cluster centres.
        weights: [K] masses, summing to 1 (GMM weights_, or k-means cluster fractions).
        assignment: [n] cluster index of every clustered point.
        features: [n, D] the clustered points (the MMD distance compares members).
    """

    means: np.ndarray
    weights: np.ndarray
    assignment: np.ndarray
    features: np.ndarray

    @property
    def k(self) -> int:
        return int(len(self.means))

    def members(self, i: int) -> np.ndarray:
        """The points hard-assigned to cluster i."""
        return self.features[self.assignment == i]


def effective_k(k: int, n: int) -> int:
    """At most one cluster per point: a class smaller than K still clusters (spec 6.5)."""
    if n < 1:
        raise ValueError("cannot cluster an empty feature set")
    return max(1, min(k, n))


def subsample(x: np.ndarray, size: int | None, seed: int) -> np.ndarray:
    """At most `size` rows of x, drawn without replacement by `seed` (all of x when None)."""
    if size is None or len(x) <= size:
        return x
    rng = np.random.default_rng(seed)
    return x[np.sort(rng.choice(len(x), size=size, replace=False))]
