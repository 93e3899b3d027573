"""What every weight strategy returns (spec 6.6): targets and per-sample weights, kept apart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Selected:
    """Per-sample outputs of a strategy; the weight is never folded into the target's scale.

    Attributes:
        target: [N, C] float32; rows with has_label sum to 1.
        weight: [N] float32 loss weight.
        has_label: [N] float32 0/1; 0 masks the row out of the loss.
        selected: [N] bool; True where the pseudo label itself (not only D) is trusted.
    """

    target: np.ndarray
    weight: np.ndarray
    has_label: np.ndarray
    selected: np.ndarray

    @classmethod
    def all_rows(cls, target: np.ndarray, weight: np.ndarray | None = None) -> Selected:
        """Every row labelled and selected, with weight 1 unless given."""
        n = len(target)
        weight = np.ones(n) if weight is None else weight
        return cls(
            target.astype(np.float32), np.asarray(weight, np.float32),
            np.ones(n, np.float32), np.ones(n, bool),
        )
