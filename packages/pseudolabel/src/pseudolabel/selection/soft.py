"""Soft interpolation (spec 6.6 step 4): T = w·onehot(ŷ) + (1 − w)·D for every sample."""

from __future__ import annotations

import numpy as np

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.registries import SELECTIONS
from pseudolabel.selection._selected import Selected


@SELECTIONS.register("soft")
class SoftSelection:
    """Every row kept with weight 1; w only moves the target between ŷ and D."""

    class Settings(FrozenModel):
        """No options (theta is unused in this mode, spec 6.6 step 4)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> SoftSelection:
        return cls()

    def __call__(self, w: np.ndarray, onehot: np.ndarray, distilled: np.ndarray) -> Selected:
        """Rows of the target sum to 1 since both onehot and D do."""
        w = np.asarray(w, np.float64)[:, None]
        return Selected.all_rows(w * onehot + (1.0 - w) * distilled)
