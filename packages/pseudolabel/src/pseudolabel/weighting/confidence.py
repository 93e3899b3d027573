"""Confidence c_u = max_k p_uk (spec 6.1), the first factor of the raw weight."""

from __future__ import annotations

import numpy as np

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.inputs import PseudoInputs
from pseudolabel.registries import WEIGHTINGS


@WEIGHTINGS.register("confidence")
class Confidence:
    """c_u = max_k softmax(z_u)_k."""

    flag = "confidence"  # the PseudoLabelSettings field that switches this factor on

    class Settings(FrozenModel):
        """No options: the confidence is the top probability."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> Confidence:
        return cls()

    def __call__(self, inputs: PseudoInputs) -> np.ndarray:
        """[N] confidences in (0, 1]."""
        return inputs.probabilities.max(axis=1)
