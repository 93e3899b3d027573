"""SA-MTL's pseudo-labels: confidence x local density x distribution weight (spec 6.1-6.7).

The provider hands the model's outputs on U (logits, head features) and the gold set's features
(L) to `pseudolabel`, which weighs, selects and interpolates; the result is kept as separate
target / weight / has_label columns. On the built-in benchmark the hidden truth of U is known, so
every refresh also reports how good the pseudo-labels were (precision, AUROC of the weight).
"""

from __future__ import annotations

import numpy as np

from faceschemas.config import ExperimentConfig, PseudoLabelSettings
from mtl_methods.targets import PROVIDERS, ProvidedTargets, ProviderContext


@PROVIDERS.register("pseudo")
class PseudoLabelProvider:
    """Pseudo-label targets of one task for the images that lack its label."""

    def __init__(self, settings: PseudoLabelSettings, temperature: float = 2.0) -> None:
        self.settings, self.temperature = settings, temperature
        self.needs_features = settings.density or settings.distribution or settings.refine != "none"
        self.needs_labelled_features = settings.distribution

    @staticmethod
    def wanted(config: ExperimentConfig) -> bool:
        # LEL-LTN's pseudo-labels come from its transfer network (providers.label_transfer).
        return config.pseudo.enabled and not config.naive and not config.regularizers.label_transfer

    @classmethod
    def from_config(cls, config: ExperimentConfig) -> PseudoLabelProvider:
        return cls(config.pseudo, config.distill.temperature)

    def __call__(self, context: ProviderContext) -> ProvidedTargets:
        import pseudolabel  # numpy / scikit-learn / POT only; imported when SA-MTL is used

        inputs = pseudolabel.PseudoInputs(logits=context.logits, features=context.features,
                                          labelled_features=context.labelled_features, seed=context.seed)
        made = pseudolabel.make_targets(self.settings, inputs, temperature=self.temperature)
        provided = ProvidedTargets(
            made.target.astype(np.float32), made.weight.astype(np.float32),
            made.has_label.astype(np.float32), np.zeros(len(made.target), np.float32),
            table=_table(context, made),
        )
        if context.truth is not None and np.any(context.truth >= 0):
            provided.diagnostics = pseudolabel.diagnose(made, context.truth)
            provided.table |= {"true_label": context.truth,
                               "correct": (made.pseudo_label == context.truth).astype(np.int64)}
        return provided


def _table(context: ProviderContext, made) -> dict[str, np.ndarray]:
    """The per-sample columns of pseudo/epoch-NNN-<task>.csv (spec 8.4 [REC])."""
    return {
        "sample_id": context.ids, "pseudo_label": made.pseudo_label, "confidence": made.confidence,
        "density": made.density, "distribution": made.distribution, "weight": made.final_weight,
        "selected": made.selected.astype(np.int64),
    }
