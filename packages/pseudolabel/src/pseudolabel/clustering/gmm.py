"""Gaussian mixture clustering of the distribution weight (spec 6.5 step 1, seeded per [REC])."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from pydantic import Field
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from faceschemas.base import FrozenModel
from pseudolabel.clustering._clusters import Clusters, effective_k, subsample
from pseudolabel.registries import CLUSTERINGS


@CLUSTERINGS.register("gmm")
class GMMClustering:
    """sklearn GaussianMixture with a fixed random_state; means_ and weights_ are the signature."""

    class Settings(FrozenModel):
        """Options of the mixture (sklearn's defaults except a larger reg_covar)."""

        covariance_type: Literal["full", "tied", "diag", "spherical"] = "full"
        # sklearn's 1e-6 lets a full 128-d covariance of a tight cluster go singular.
        reg_covar: float = Field(default=1e-4, gt=0)
        max_iter: int = Field(default=100, ge=1)
        n_init: int = Field(default=1, ge=1)
        # EM on 100k x 128 with full covariances takes tens of seconds on two cores; K = 4 means
        # need far fewer points. Every point is still assigned (predict) by the fitted mixture.
        fit_sample: int | None = Field(default=10_000, ge=1, description="Points EM is fitted on.")

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    def __call__(self, features: np.ndarray, k: int, seed: int) -> Clusters:
        """Fits K = min(k, n) components on `features` and hard-assigns every point."""
        x = np.asarray(features, np.float64)
        with warnings.catch_warnings():
            # EM stopped at max_iter still gives usable means and weights; a user need not see it.
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self._fit(x, k, seed)

    def _fit(self, x: np.ndarray, k: int, seed: int) -> Clusters:
        model = GaussianMixture(
            n_components=effective_k(k, len(x)),
            covariance_type=self.settings.covariance_type,
            reg_covar=self.settings.reg_covar,
            max_iter=self.settings.max_iter,
            n_init=self.settings.n_init,
            random_state=seed,
        ).fit(subsample(x, self.settings.fit_sample, seed))
        return Clusters(model.means_, model.weights_, model.predict(x), x)
