"""make_targets (spec 6.2, 6.6): every mode on a hand-made case, flags, separate weights."""

from __future__ import annotations

import numpy as np
import pytest

from faceschemas.config import PseudoLabelSettings
from faceschemas.registry import UnknownNameError
from pseudolabel import SELECTIONS, PseudoInputs, make_targets
from pseudolabel.combine import normalise_weight
from pseudolabel.inputs import softmax_rows
from pseudolabel.weighting.density import density_reference

# Probabilities with top values 0.7, 0.6, 0.5, 0.9 (pseudo labels 0, 1, 0, 2); logits = log p.
PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.5, 0.4, 0.1], [0.05, 0.05, 0.9]])
LOGITS = np.log(PROBS)
LABELS = np.array([0, 1, 0, 2])
ONEHOT = np.eye(3)[LABELS]
# Confidence only: r = c, w = c / 0.9.
W = np.array([0.7, 0.6, 0.5, 0.9]) / 0.9


def _settings(**kw) -> PseudoLabelSettings:
    return PseudoLabelSettings(enabled=True, **kw)


def _teacher(t: float = 2.0) -> np.ndarray:
    return softmax_rows(LOGITS, t)


def test_confidence_only_raw_weight_is_c() -> None:
    out = make_targets(_settings(confidence=True, mode="soft"), PseudoInputs(LOGITS))
    np.testing.assert_allclose(out.raw_weight, [0.7, 0.6, 0.5, 0.9])
    np.testing.assert_allclose(out.final_weight, W)
    np.testing.assert_array_equal(out.pseudo_label, LABELS)
    # Factors that are off are reported as 1.
    np.testing.assert_array_equal(out.density, np.ones(4))
    np.testing.assert_array_equal(out.distribution, np.ones(4))


def test_hard_threshold_half_distill() -> None:
    # N = 4, threshold 0.5: theta = sort(w)[2] = 0.7 / 0.9; kept: w > theta, only sample 3.
    out = make_targets(
        _settings(confidence=True, mode="hard", selection_threshold=0.5, unselected="distill"),
        PseudoInputs(LOGITS), temperature=2.0,
    )
    np.testing.assert_array_equal(out.selected, [False, False, False, True])
    np.testing.assert_allclose(out.target[3], ONEHOT[3])
    np.testing.assert_allclose(out.target[:3], _teacher()[:3], rtol=1e-6)
    np.testing.assert_allclose(out.weight, [1.0, 1.0, 1.0, 1.0], rtol=1e-6)
    np.testing.assert_array_equal(out.has_label, np.ones(4))
    np.testing.assert_allclose(out.target.sum(axis=1), 1.0, rtol=1e-6)


def test_hard_threshold_half_drop() -> None:
    out = make_targets(
        _settings(confidence=True, mode="hard", selection_threshold=0.5, unselected="drop"),
        PseudoInputs(LOGITS),
    )
    np.testing.assert_array_equal(out.has_label, [0, 0, 0, 1])
    np.testing.assert_array_equal(out.weight, [0, 0, 0, 1])
    np.testing.assert_array_equal(out.target[:3], np.zeros((3, 3)))
    np.testing.assert_array_equal(out.target[3], ONEHOT[3])


def test_hard_threshold_zero_drops_the_minimum_and_weight_is_separate() -> None:
    # theta = min(w) = 0.5 / 0.9; w > theta keeps all but sample 2 (the original's behaviour).
    out = make_targets(
        _settings(confidence=True, selection_threshold=0.0, unselected="drop"), PseudoInputs(LOGITS)
    )
    np.testing.assert_array_equal(out.selected, [True, True, False, True])
    # Selected rows carry a one-hot target (sums to 1) and the weight w beside it.
    np.testing.assert_array_equal(out.target[[0, 1, 3]], ONEHOT[[0, 1, 3]])
    np.testing.assert_allclose(out.weight, [W[0], W[1], 0.0, W[3]], rtol=1e-6)


def test_soft_interpolation() -> None:
    out = make_targets(_settings(confidence=True, mode="soft"), PseudoInputs(LOGITS), 2.0)
    expected = W[:, None] * ONEHOT + (1 - W[:, None]) * _teacher()
    np.testing.assert_allclose(out.target, expected, rtol=1e-6)
    np.testing.assert_allclose(out.target.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(out.weight, np.ones(4))
    assert out.selected.all() and out.has_label.all()


def test_pure_pseudo_half_mix() -> None:
    out = make_targets(_settings(mode="hard"), PseudoInputs(LOGITS), temperature=1.0)
    np.testing.assert_allclose(out.target, 0.5 * ONEHOT + 0.5 * PROBS, rtol=1e-6)
    np.testing.assert_array_equal(out.weight, np.ones(4))
    np.testing.assert_array_equal(out.raw_weight, np.ones(4))
    assert out.selected.all() and out.factors == {}


def test_raw_weight_follows_flags() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(4, 3))
    inputs = PseudoInputs(LOGITS, features)
    rho = density_reference(features, LABELS, 0.6)
    only = make_targets(_settings(density=True, mode="soft"), inputs)
    np.testing.assert_array_equal(only.raw_weight, rho)
    both = make_targets(_settings(confidence=True, density=True, mode="soft"), inputs)
    np.testing.assert_allclose(both.raw_weight, rho * PROBS.max(axis=1))
    assert set(both.factors) == {"confidence", "density"}


def test_zero_raw_weight_gives_weight_one() -> None:
    # r = 0 everywhere cannot come from the factors (the density guard gives 1), so the
    # normaliser's guard is checked directly: max r = 0 -> w = 1, and no sample -> no weight.
    np.testing.assert_array_equal(normalise_weight(np.zeros(3)), np.ones(3))
    np.testing.assert_array_equal(normalise_weight(np.zeros(0)), np.zeros(0))


def test_refiner_changes_pseudo_labels_through_registry() -> None:
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(size=(40, 5)) + 6, rng.normal(size=(40, 5)) - 6])
    probs = np.tile([[0.8, 0.2]], (80, 1))
    probs[40:] = [0.2, 0.8]
    probs[[3, 50]] = probs[[50, 3]]  # two wrong predictions
    inputs = PseudoInputs(np.log(probs), features)
    out = make_targets(_settings(confidence=True, refine="label_propagation"), inputs)
    np.testing.assert_array_equal(out.pseudo_label, np.repeat([0, 1], 40))


def test_unknown_strategy_name_lists_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="hard"):
        SELECTIONS.get("nope")


def test_empty_inputs() -> None:
    out = make_targets(_settings(confidence=True), PseudoInputs(np.zeros((0, 3))))
    assert out.target.shape == (0, 3) and out.weight.shape == (0,)
