"""Pseudo-label targets for one task: factors -> raw weight -> weight strategy (spec 6.2, 6.6).

r = c · rho · g with every factor that is off replaced by 1 (spec 6.2 rule 3), w = r / max r, and
the strategy (hard selection or soft interpolation) turns w, onehot(ŷ) and D = softmax(z/T) into
targets and separate per-sample weights. With no factor on, the pure pseudo-label mix
T = 0.5·onehot(ŷ) + 0.5·D applies (spec 6.2 rule 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from faceschemas.config import PseudoLabelSettings
from pseudolabel.inputs import PseudoInputs
from pseudolabel.registries import REFINERS, SELECTIONS, WEIGHTINGS


@dataclass
class PseudoTargets:
    """Targets and weights for the N samples of U, plus every intermediate for diagnostics.

    Attributes:
        target: [N, C] float32 one-hot or soft targets; labelled rows sum to 1.
        weight: [N] float32 loss weight, separate from the target.
        has_label: [N] float32 0/1; 0 masks the row out of the loss.
        selected: [N] bool; the pseudo label itself is trusted.
        pseudo_label: [N] int ŷ.
        confidence, density, distribution: [N] factors; 1 where the factor is off.
        raw_weight: [N] r = c · rho · g.
        final_weight: [N] w = r / max r.
        factors: the factors that were on, by registry name.
    """

    target: np.ndarray
    weight: np.ndarray
    has_label: np.ndarray
    selected: np.ndarray
    pseudo_label: np.ndarray
    confidence: np.ndarray
    density: np.ndarray
    distribution: np.ndarray
    raw_weight: np.ndarray
    final_weight: np.ndarray
    factors: dict[str, np.ndarray] = field(default_factory=dict)



def active_weightings(settings: PseudoLabelSettings) -> dict[str, object]:
    """The weighting components whose flag is on, built from the settings, by name."""
    return {
        name: component.from_pseudo(settings)
        for name, component in WEIGHTINGS.items()
        if getattr(settings, component.flag)
    }


def normalise_weight(raw: np.ndarray) -> np.ndarray:
    """w = r / max r (spec 6.6 step 1); max r = 0 (or no sample) gives w = 1."""
    top = raw.max() if raw.size else 0.0
    return raw / top if top > 0 else np.ones_like(raw)


def strategy_name(settings: PseudoLabelSettings) -> str:
    """The SELECTIONS name: the mode when a factor is on, else the pure 0.5/0.5 mix (spec 6.2)."""
    return settings.mode if settings.weighted else "half"


def refined_inputs(settings: PseudoLabelSettings, inputs: PseudoInputs) -> PseudoInputs:
    """Inputs whose probabilities went through the configured refiner (spec 7.4; 'none' = same).

    Refined probabilities are carried as log-probabilities, whose softmax gives them back, so
    pseudo labels and confidences follow the refinement.
    """
    refiner = REFINERS.get(settings.refine).from_pseudo(settings)
    if not getattr(refiner, "needs_features", False):
        return inputs
    features = inputs.require_features(f"refine={settings.refine}")
    probs = refiner(features, inputs.probabilities, inputs.seed)
    logits = np.log(np.maximum(probs, 1e-300))
    return PseudoInputs(logits, inputs.features, inputs.labelled_features, inputs.seed)


def make_targets(
    settings: PseudoLabelSettings, inputs: PseudoInputs, temperature: float = 2.0
) -> PseudoTargets:
    """Pseudo-label targets of one task for the images lacking its label (spec 6.1-6.6).

    Args:
        settings: the experiment's pseudo-label options; `enabled` and `every_epochs` are the
            caller's business (whether and when to call).
        inputs: logits of U, and features of U and L when a factor or the refiner needs them.
        temperature: T of the distilled knowledge D = softmax(z / T) (spec 6.3).

    Returns:
        The targets, weights and every factor.
    """
    # One BLAS thread: the matrices here are small (K full 128 x 128 covariances, chunks of
    # distances), so threads only add overhead, and with a trainer or a second job on the
    # same two cores they oversubscribe them (a GMM fit measured 3.6x faster with one thread).
    with threadpool_limits(limits=1, user_api="blas"):
        return _make_targets(settings, inputs, temperature)


def _make_targets(settings: PseudoLabelSettings, inputs: PseudoInputs, temperature: float) -> PseudoTargets:
    teacher = inputs.soft_teacher(temperature)  # D uses the model's own logits
    inputs = refined_inputs(settings, inputs)
    n, labels = inputs.num_samples, inputs.pseudo_labels
    factors = {name: np.asarray(f(inputs), np.float64)
               for name, f in active_weightings(settings).items()}
    raw = np.prod(list(factors.values()), axis=0) if factors else np.ones(n)
    w = normalise_weight(raw)
    onehot = np.eye(inputs.num_classes)[labels]
    strategy = SELECTIONS.get(strategy_name(settings)).from_pseudo(settings)
    out = strategy(w, onehot, teacher)
    ones = np.ones(n)
    return PseudoTargets(
        target=out.target, weight=out.weight, has_label=out.has_label, selected=out.selected,
        pseudo_label=labels, confidence=factors.get("confidence", ones),
        density=factors.get("density", ones), distribution=factors.get("distribution", ones),
        raw_weight=raw, final_weight=w, factors=factors,
    )
