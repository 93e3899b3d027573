"""Targets for the tasks a dataset does not label: the "target provider" hook (spec 5.3, 6).

At the start of an alternating epoch the strategy runs the model, as it is then, over every
training image of the current dataset and asks a provider for the other tasks' per-sample
targets. Distillation (DML-LWF, Distilling; spec 6.3) is implemented here; SA-MTL's pseudo-label
provider (spec 6.1-6.8, built on `pseudolabel`) registers itself the same way later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from mtl_methods.registry import Registry


@dataclass
class ProviderContext:
    """What a provider sees: the model's outputs on the current dataset's training images."""

    task: str  # the task to provide targets for (not labelled by the current dataset)
    dataset: str  # the current dataset
    epoch: int
    ids: np.ndarray  # [N] sample ids (bytes)
    logits: np.ndarray  # [N, C] logits of `task`
    features: np.ndarray | None = None  # [N, D] head features of `task`, when the provider needs them
    extra: dict = field(default_factory=dict)  # room for later providers (e.g. the labelled set L)


@dataclass
class ProvidedTargets:
    """Per-sample targets for one task; carried as separate tensors, never scaled into each other."""

    target: np.ndarray  # [N, C] soft or one-hot
    weight: np.ndarray  # [N]
    has_label: np.ndarray  # [N] 0/1
    kd: np.ndarray  # [N] 1: match in Hinton T^2-KL form (losses.per_sample_loss)
    table: dict[str, np.ndarray] = field(default_factory=dict)  # columns for a per-epoch CSV

    def packed(self) -> np.ndarray:
        """[N, C + 3] rows stored in the strategy's per-sample lookup table."""
        cols = [self.weight[:, None], self.has_label[:, None], self.kd[:, None]]
        return np.concatenate([self.target] + cols, axis=1).astype(np.float32)


class TargetProvider(Protocol):
    """Makes targets for a task from the model's outputs on images that lack its labels."""

    needs_features: bool

    def __call__(self, context: ProviderContext) -> ProvidedTargets: ...


PROVIDERS: Registry = Registry("target provider")


def row_softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise, overflow-safe softmax of logits / T (spec 6.3 [BUG], 10.4)."""
    z = np.asarray(logits, np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


@PROVIDERS.register("distill")
class DistillationProvider:
    """Learning without forgetting on the non-current head (DML-LWF T=1, Distilling T=2)."""

    needs_features = False

    def __init__(self, temperature: float = 2.0, kd_form: str = "paper_ce") -> None:
        if kd_form not in ("paper_ce", "hinton"):
            raise ValueError(f"unknown kd_form {kd_form!r}; known: paper_ce, hinton")
        self.temperature, self.kd_form = temperature, kd_form

    def __call__(self, context: ProviderContext) -> ProvidedTargets:
        soft = row_softmax(context.logits, self.temperature)
        ones = np.ones(len(soft), np.float32)
        kd = ones if self.kd_form == "hinton" else np.zeros_like(ones)
        return ProvidedTargets(soft, ones, ones.copy(), kd)


def provider_for(config) -> TargetProvider | None:
    """The provider an ExperimentConfig asks for, or None (naive: other tasks stay masked)."""
    if config.naive or not (config.distill.enabled or config.pseudo.enabled):
        return None
    if config.distill.enabled:
        return PROVIDERS.get("distill")(config.distill.temperature, config.distill.kd_form)
    if "pseudo" not in PROVIDERS:
        raise ValueError("pseudo-labels (is_pesudo, SA-MTL) are not available yet: they come with the pseudo-label issue")
    return PROVIDERS.get("pseudo")(config)
