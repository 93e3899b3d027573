"""Learning without forgetting on the non-current heads: DML-LWF (T=1) and Distilling (T=2), spec 6.3."""

from __future__ import annotations

import numpy as np

from faceschemas.config import ExperimentConfig
from mtl_methods.targets import PROVIDERS, ProvidedTargets, ProviderContext, row_softmax

KD_FORMS = ("paper_ce", "hinton")


@PROVIDERS.register("distill")
class DistillationProvider:
    """Targets are the previous model's softened outputs, row-wise softmax(z / T)."""

    needs_features = False
    needs_labelled_features = False

    def __init__(self, temperature: float = 2.0, kd_form: str = "paper_ce") -> None:
        if kd_form not in KD_FORMS:
            raise ValueError(f"unknown kd_form {kd_form!r}; known: {', '.join(KD_FORMS)}")
        self.temperature, self.kd_form = temperature, kd_form

    @staticmethod
    def wanted(config: ExperimentConfig) -> bool:
        return config.distill.enabled and not config.naive

    @classmethod
    def from_config(cls, config: ExperimentConfig) -> DistillationProvider:
        return cls(config.distill.temperature, config.distill.kd_form)

    def __call__(self, context: ProviderContext) -> ProvidedTargets:
        soft = row_softmax(context.logits, self.temperature)
        ones = np.ones(len(soft), np.float32)
        kd = ones if self.kd_form == "hinton" else np.zeros_like(ones)
        return ProvidedTargets(soft, ones, ones.copy(), kd)
