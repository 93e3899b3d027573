"""No refinement (the default `refine: none`): the model's probabilities as they are."""

from __future__ import annotations

import numpy as np

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.registries import REFINERS


@REFINERS.register("none")
class NoRefinement:
    """Identity refiner; registered so that `refine` is always a registry lookup."""

    needs_features = False

    class Settings(FrozenModel):
        """No options."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> NoRefinement:
        return cls()

    def __call__(self, features, probabilities: np.ndarray, seed: int = 0) -> np.ndarray:
        """`probabilities` unchanged."""
        return np.asarray(probabilities, np.float64)
