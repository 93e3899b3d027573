"""LEL-LTN's pseudo-labels from the label transfer network (spec 7.3 [REC], Augenstein et al. 2018).

At each refresh the strategy runs the model over the images lacking task t's label and hands this
provider the transfer network's logits (`logits_output`: the model output `{t}_transfer_logits`,
which reads the other tasks' predictions). Each row's pseudo-label is the argmax, its confidence
the top softmax probability; rows at confidence >= tau (`--confidence-threshold`, default 0: every
row, as in the README command) become one-hot targets with loss weight lambda_ltn (default 1),
the others are masked (has_label 0). On the built-in benchmark the hidden truth of U also gives the
SA-MTL provider's diagnostics (coverage, precision, AUROC of the confidence).
"""

from __future__ import annotations

import numpy as np

from faceschemas.config import ExperimentConfig
from mtl_methods.targets import PROVIDERS, ProvidedTargets, ProviderContext, row_softmax


@PROVIDERS.register("label_transfer")
class LabelTransferProvider:
    """One-hot pseudo-labels of the transfer network, kept at confidence >= threshold, weight lambda."""

    needs_features = False
    needs_labelled_features = False
    logits_output = "transfer_logits"  # refresh.logits_key: targets from `{task}_transfer_logits`

    def __init__(self, confidence_threshold: float = 0.0, weight: float = 1.0) -> None:
        if not 0.0 <= confidence_threshold <= 1.0:
            raise ValueError(f"confidence_threshold must be in [0, 1], got {confidence_threshold}")
        if weight < 0:
            raise ValueError(f"the pseudo-label weight lambda_ltn must be >= 0, got {weight}")
        self.confidence_threshold, self.weight = float(confidence_threshold), float(weight)

    @staticmethod
    def wanted(config: ExperimentConfig) -> bool:
        return config.pseudo.enabled and not config.naive and config.regularizers.label_transfer

    @classmethod
    def from_config(cls, config: ExperimentConfig) -> LabelTransferProvider:
        return cls(config.pseudo.confidence_threshold)

    def __call__(self, context: ProviderContext) -> ProvidedTargets:
        probabilities = row_softmax(context.logits, 1.0)
        pseudo_label = np.argmax(probabilities, axis=1).astype(np.int64)
        confidence = probabilities.max(axis=1).astype(np.float32)
        selected = confidence >= self.confidence_threshold
        keep = selected.astype(np.float32)
        target = np.eye(probabilities.shape[1], dtype=np.float32)[pseudo_label] * keep[:, None]
        weight = self.weight * keep
        provided = ProvidedTargets(target, weight, keep.copy(), np.zeros_like(keep), table={
            "sample_id": context.ids, "pseudo_label": pseudo_label, "confidence": confidence,
            "weight": weight, "selected": selected.astype(np.int64),
        })
        if context.truth is not None and np.any(context.truth >= 0):
            provided.diagnostics = _diagnose(target, weight, keep, selected, pseudo_label, confidence, context.truth)
            provided.table |= {"true_label": context.truth,
                               "correct": (pseudo_label == context.truth).astype(np.int64)}
        return provided


def _diagnose(target, weight, keep, selected, pseudo_label, confidence, truth) -> dict[str, float | None]:
    """`pseudolabel.diagnose` on the same fields SA-MTL's targets carry: confidence is the only factor,
    and it stands for the weight too (the loss weight is a constant lambda), so auroc_weight is
    the AUROC of the confidence."""
    import pseudolabel  # numpy / scikit-learn / POT only; imported where diagnostics are asked for

    ones = np.ones_like(confidence)
    made = pseudolabel.PseudoTargets(
        target=target, weight=weight, has_label=keep, selected=selected, pseudo_label=pseudo_label,
        confidence=confidence, density=ones, distribution=ones, raw_weight=confidence,
        final_weight=confidence, factors={"confidence": confidence},
    )
    return pseudolabel.diagnose(made, truth)
