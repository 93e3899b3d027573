"""k-means clustering of the distribution weight (the READMEs' wording, spec 6.5 [AMBIG])."""

from __future__ import annotations

import numpy as np
from pydantic import Field
from sklearn.cluster import KMeans

from faceschemas.base import FrozenModel
from pseudolabel.clustering._clusters import Clusters, effective_k, subsample
from pseudolabel.registries import CLUSTERINGS


@CLUSTERINGS.register("kmeans")
class KMeansClustering:
    """sklearn KMeans with fixed n_init and random_state; weights are the cluster fractions."""

    class Settings(FrozenModel):
        """Options of k-means."""

        n_init: int = Field(default=3, ge=1)
        max_iter: int = Field(default=300, ge=1)
        fit_sample: int | None = Field(default=10_000, ge=1, description="Points fitted on.")

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    def __call__(self, features: np.ndarray, k: int, seed: int) -> Clusters:
        """Fits K = min(k, n) centres on `features`; each centre weighs its share of the points."""
        x = np.asarray(features, np.float64)
        k = effective_k(k, len(x))
        model = KMeans(
            n_clusters=k, n_init=self.settings.n_init, max_iter=self.settings.max_iter,
            random_state=seed,
        ).fit(subsample(x, self.settings.fit_sample, seed))
        labels = model.predict(x)
        weights = np.bincount(labels, minlength=k) / len(x)
        return Clusters(model.cluster_centers_, weights, labels, x)
