"""Maximum Mean Discrepancy between a U cluster's members and L (spec 6.5 [REC], optional).

The READMEs name MMD but the original never implemented it (spec 6.5 [AMBIG], 10.16). This is
the biased (V-statistic) estimate with an RBF kernel whose bandwidth is the median pairwise
distance of the pooled sample (the median heuristic), on subsamples that bound the cost.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from pseudolabel.clustering._clusters import Clusters
from pseudolabel.registries import DISTANCES


def _sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(sq, 0.0)


def median_bandwidth(x: np.ndarray, y: np.ndarray) -> float:
    """Median pairwise distance of the pooled points; 1 when they all coincide."""
    pooled = np.vstack([x, y])
    sq = _sq_distances(pooled, pooled)
    off = sq[~np.eye(len(pooled), dtype=bool)]
    sigma = float(np.sqrt(np.median(off))) if off.size else 0.0
    return sigma if sigma > 0 else 1.0


def mmd(x: np.ndarray, y: np.ndarray, bandwidth: float | None = None) -> float:
    """sqrt(max(0, mean k(x,x') + mean k(y,y') - 2 mean k(x,y))), k = exp(-d²/(2 sigma²)).

    Identical sets give exactly 0: the three kernel means are then the same numbers.
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    sigma = bandwidth or median_bandwidth(x, y)
    gamma = 1.0 / (2.0 * sigma * sigma)
    kxx = np.exp(-gamma * _sq_distances(x, x)).mean()
    kyy = np.exp(-gamma * _sq_distances(y, y)).mean()
    kxy = np.exp(-gamma * _sq_distances(x, y)).mean()
    return float(np.sqrt(max(0.0, kxx + kyy - 2.0 * kxy)))


def _subsample(x: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    if len(x) <= size:
        return x
    return x[np.sort(rng.choice(len(x), size=size, replace=False))]


@DISTANCES.register("mmd")
class MMDDistance:
    """d_i = MMD(members of U cluster i, L features); NaN for a cluster with no member."""

    class Settings(FrozenModel):
        """Cost bound and bandwidth."""

        max_sample: int = Field(default=1000, ge=2, description="Points drawn from each side.")
        bandwidth: float | None = Field(default=None, gt=0, description="None: median heuristic.")

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    def __call__(self, u: Clusters, labelled: Clusters, seed: int = 0) -> np.ndarray:
        """[K_U] distances, one per U cluster."""
        rng = np.random.default_rng(seed)
        size = self.settings.max_sample
        target = _subsample(labelled.features, size, rng)
        out = np.full(u.k, np.nan)
        for i in range(u.k):
            members = u.members(i)
            if len(members):
                out[i] = mmd(_subsample(members, size, rng), target, self.settings.bandwidth)
        return out
