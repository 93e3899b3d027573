"""What the pseudo-labeller sees for one task (spec 6.1): logits of U, features of U and L."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax_rows(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of logits / T, overflow-safe (spec 6.3 [BUG]: the original was global).

    Args:
        logits: [N, C] array.
        temperature: T > 0; T > 1 softens the distribution.

    Returns:
        [N, C] float64 rows that sum to 1.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = np.asarray(logits, np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)  # the largest exponent is 0: exp never overflows
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class PseudoInputs:
    """The previous model's outputs for one task (spec 6.1, computed in one pass per 6.8).

    Attributes:
        logits: [N, C] logits on U, the images lacking the task's label.
        features: [N, D] head features of U; needed by density, distribution and refiners.
        labelled_features: [M, D] head features of L, the task's labelled training set; needed
            by the distribution weight only.
        seed: seeds every random choice (subsamples, clusterings) so results are reproducible.
    """

    logits: np.ndarray
    features: np.ndarray | None = None
    labelled_features: np.ndarray | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        self.logits = np.asarray(self.logits, np.float64)
        if self.logits.ndim != 2:
            raise ValueError(f"logits must be [N, C], got shape {self.logits.shape}")
        if self.features is not None:
            self.features = np.asarray(self.features)
            if len(self.features) != len(self.logits):
                raise ValueError(
                    f"features have {len(self.features)} rows, logits {len(self.logits)}"
                )

    @property
    def num_samples(self) -> int:
        return int(self.logits.shape[0])

    @property
    def num_classes(self) -> int:
        return int(self.logits.shape[1])

    @property
    def probabilities(self) -> np.ndarray:
        """p_u = softmax(z_u), row-wise (spec 6.1)."""
        return softmax_rows(self.logits)

    @property
    def pseudo_labels(self) -> np.ndarray:
        """ŷ_u = argmax p_u (spec 6.1); argmax of the logits is the same and cheaper."""
        return self.logits.argmax(axis=1)

    def soft_teacher(self, temperature: float) -> np.ndarray:
        """D_u = softmax(z_u / T), the distilled knowledge (spec 6.3, row-wise per 10.4)."""
        return softmax_rows(self.logits, temperature)

    def require_features(self, who: str) -> np.ndarray:
        """The U features, or a ValueError naming the component that needs them."""
        if self.features is None:
            raise ValueError(f"{who} needs the features of U (PseudoInputs.features)")
        return self.features

    def require_labelled_features(self, who: str) -> np.ndarray:
        """The L features, or a ValueError naming the component that needs them."""
        if self.labelled_features is None:
            raise ValueError(f"{who} needs the features of L (PseudoInputs.labelled_features)")
        return np.asarray(self.labelled_features)
