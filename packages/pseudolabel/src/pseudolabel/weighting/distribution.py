"""Distribution weight g (spec 6.5): how close a sample's U cluster lies to the labelled set L.

L and U are clustered separately (K = cluster_k, class-agnostic), every U cluster i gets a
distance d_i to L's signature (EMD, or MMD), every u inherits the d of the cluster it is
hard-assigned to, and g_u = (1/d_u) / max(1/d).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.inputs import PseudoInputs
from pseudolabel.registries import CLUSTERINGS, DISTANCES, WEIGHTINGS


def inverse_distance_weight(d: np.ndarray) -> np.ndarray:
    """g = (1/d) / max(1/d) = min(d) / d, guarded for d = 0.

    A sample at distance 0 gets g = 1 (the limit of 1/d), and then every sample farther away
    gets 0 (max(1/d) is infinite); all at 0 gives all 1. Never NaN or inf.
    """
    d = np.asarray(d, np.float64)
    if d.size == 0:
        return np.ones(0)
    nearest = d.min()
    at_zero = d <= 0
    safe = np.where(at_zero, 1.0, d)
    return np.where(at_zero, 1.0, nearest / safe)


@WEIGHTINGS.register("distribution")
class Distribution:
    """g from the clusters of U against the clusters of L (spec 6.5)."""

    flag = "distribution"

    class Settings(FrozenModel):
        """Which clustering and distance, with their own options."""

        cluster_k: int = Field(default=4, ge=1, description="K of both clusterings.")
        clustering: str = Field(default="gmm", description="A name in CLUSTERINGS.")
        distance: str = Field(default="emd", description="A name in DISTANCES.")
        clustering_options: dict[str, Any] = Field(default_factory=dict)
        distance_options: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()
        clustering = CLUSTERINGS.get(self.settings.clustering)
        distance = DISTANCES.get(self.settings.distance)
        # Each component validates its own options (unknown keys are an error).
        self.cluster = clustering(clustering.Settings(**self.settings.clustering_options))
        self.distance = distance(distance.Settings(**self.settings.distance_options))

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> Distribution:
        return cls(cls.Settings(
            cluster_k=settings.cluster_k,
            clustering=settings.cluster_method,
            distance=settings.distribution_metric,
        ))

    def distances(self, inputs: PseudoInputs) -> np.ndarray:
        """[N] d_u: the distance of u's U cluster to L."""
        u_feat = inputs.require_features("distribution")
        l_feat = inputs.require_labelled_features("distribution")
        k = self.settings.cluster_k
        labelled = self.cluster(l_feat, k, inputs.seed)
        unlabelled = self.cluster(u_feat, k, inputs.seed)
        per_cluster = self.distance(unlabelled, labelled, inputs.seed)
        return per_cluster[unlabelled.assignment]

    def __call__(self, inputs: PseudoInputs) -> np.ndarray:
        """[N] weights in [0, 1]; the cluster nearest to L gets 1."""
        return inverse_distance_weight(self.distances(inputs))
