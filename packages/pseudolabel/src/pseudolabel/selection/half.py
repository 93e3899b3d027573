"""Pure pseudo-labels (spec 6.2 rule 2): no factor on, T = 0.5·onehot(ŷ) + 0.5·D."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.registries import SELECTIONS
from pseudolabel.selection._selected import Selected


@SELECTIONS.register("half")
class HalfSelection:
    """A fixed mix of the pseudo label and D, no weighting and no selection."""

    class Settings(FrozenModel):
        """The share of the one-hot pseudo label (0.5 in the original)."""

        mix: float = Field(default=0.5, ge=0, le=1)

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> HalfSelection:
        return cls()

    def __call__(self, w: np.ndarray, onehot: np.ndarray, distilled: np.ndarray) -> Selected:
        """Ignores w (all ones here): every row is mix·onehot + (1 − mix)·D, weight 1."""
        mix = self.settings.mix
        return Selected.all_rows(mix * onehot + (1.0 - mix) * distilled)
