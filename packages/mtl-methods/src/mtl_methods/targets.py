"""Targets for the tasks a dataset does not label: the "target provider" contract (spec 5.3, 6).

At a refresh (the start of an alternating epoch, or every N joint epochs) the strategy runs the
model, as it is then, over the training images that lack a task's label and asks a provider for
that task's per-sample targets. Providers live one per file in `mtl_methods.providers` and
register themselves in `PROVIDERS`; `mtl_methods.providers.provider_for` picks the one a config
asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from faceschemas.registry import Registry


@dataclass
class ProviderContext:
    """What a provider sees: the model's outputs on the images that lack `task`'s label."""

    task: str  # the task to provide targets for (not labelled by `dataset`)
    dataset: str  # the dataset whose images are labelled (U)
    epoch: int
    ids: np.ndarray  # [N] sample ids (bytes)
    logits: np.ndarray  # [N, C] logits of `task`
    features: np.ndarray | None = None  # [N, D] head features of `task` on U, when needed
    labelled_features: np.ndarray | None = None  # [M, D] the same head's features on L (gold set)
    truth: np.ndarray | None = None  # [N] hidden true labels of U (built-in benchmark), -1 unknown
    seed: int = 0


@dataclass
class ProvidedTargets:
    """Per-sample targets for one task; carried as separate tensors, never scaled into each other."""

    target: np.ndarray  # [N, C] soft or one-hot
    weight: np.ndarray  # [N]
    has_label: np.ndarray  # [N] 0/1
    kd: np.ndarray  # [N] 1: match in Hinton T^2-KL form (losses.per_sample_loss)
    table: dict[str, np.ndarray] = field(default_factory=dict)  # columns of the per-refresh CSV
    diagnostics: dict[str, float | None] = field(default_factory=dict)  # precision, AUROC, ...

    def packed(self) -> np.ndarray:
        """[N, C + 3] rows stored in the strategy's per-sample lookup table."""
        cols = [self.weight[:, None], self.has_label[:, None], self.kd[:, None]]
        return np.concatenate([self.target] + cols, axis=1).astype(np.float32)


class TargetProvider(Protocol):
    """Makes targets for a task from the model's outputs on images that lack its labels."""

    needs_features: bool  # head features of U
    needs_labelled_features: bool  # head features of L (the gold-labelled training set)
    # Optional: `logits_output = "transfer_logits"` makes targets from `{task}_transfer_logits`
    # instead of `{task}_logits` (a provider reading another head, e.g. LEL-LTN's transfer network).

    def __call__(self, context: ProviderContext) -> ProvidedTargets: ...


PROVIDERS: Registry = Registry("target provider")


def row_softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise, overflow-safe softmax of logits / T (spec 6.3 [BUG], 10.4)."""
    z = np.asarray(logits, np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
