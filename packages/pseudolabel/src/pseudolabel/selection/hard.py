"""Hard selection (spec 6.6 step 3): keep the samples whose weight exceeds a quantile threshold."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.registries import SELECTIONS
from pseudolabel.selection._selected import Selected


def threshold(w: np.ndarray, discard: float) -> float:
    """theta = sort(w)[floor(discard * N)] (spec 6.6 step 2); `discard` is in [0, 1)."""
    return float(np.sort(w)[int(np.floor(discard * len(w)))])


def _distill(onehot, distilled, w, selected):
    # spec 6.6 [REC], 10.5: unselected rows fall back to D with weight 1 (the README's intent).
    n = len(w)
    target = np.where(selected[:, None], onehot, distilled)
    return target, np.where(selected, w, 1.0), np.ones(n)


def _drop(onehot, distilled, w, selected):
    # The original: unselected rows get T = 0 and leave the loss (has_label 0, weight 0).
    target = np.where(selected[:, None], onehot, 0.0)
    return target, np.where(selected, w, 0.0), selected.astype(np.float64)


_UNSELECTED = {"distill": _distill, "drop": _drop}


@SELECTIONS.register("hard")
class HardSelection:
    """Selected rows: one-hot target, weight w. Unselected rows: D (distill) or masked (drop)."""

    class Settings(FrozenModel):
        """The discarded fraction and the fate of the rows below the threshold."""

        selection_threshold: float = Field(default=0.9, ge=0, lt=1, description="Fraction to discard.")
        unselected: Literal["distill", "drop"] = "distill"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> HardSelection:
        return cls(cls.Settings(
            selection_threshold=settings.selection_threshold, unselected=settings.unselected
        ))

    def __call__(self, w: np.ndarray, onehot: np.ndarray, distilled: np.ndarray) -> Selected:
        """Keeps w > theta, strictly, as the original: threshold 0 still drops the minimum."""
        if len(w) == 0:
            return Selected.all_rows(onehot)
        selected = w > threshold(w, self.settings.selection_threshold)
        rows = _UNSELECTED[self.settings.unselected]
        target, weight, has_label = rows(onehot, distilled, w, selected)
        return Selected(
            target.astype(np.float32), weight.astype(np.float32),
            has_label.astype(np.float32), selected,
        )
