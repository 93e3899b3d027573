"""diagnose and reliability on a hand-made case with a known AUROC."""

from __future__ import annotations

import numpy as np
import pytest

from pseudolabel.combine import PseudoTargets
from pseudolabel.diagnostics import diagnose, reliability


def _targets(weight, pseudo, selected, has_label, factors) -> PseudoTargets:
    n = len(weight)
    ones = np.ones(n)
    return PseudoTargets(
        target=np.zeros((n, 2), np.float32), weight=np.ones(n, np.float32),
        has_label=np.asarray(has_label, np.float32), selected=np.asarray(selected, bool),
        pseudo_label=np.asarray(pseudo), confidence=factors.get("confidence", ones),
        density=ones, distribution=ones, raw_weight=np.asarray(weight),
        final_weight=np.asarray(weight), factors=factors,
    )


def test_known_auroc_precision_coverage() -> None:
    # Known rows: weights 0.9, 0.8, 0.3, 0.1, correct T F T F. Correct-over-wrong pairs:
    # 0.9 > 0.8 yes, 0.9 > 0.1 yes, 0.3 > 0.8 no, 0.3 > 0.1 yes -> AUROC 3/4.
    # The fifth row's truth is unknown (-1): it counts in coverage only.
    weight = np.array([0.9, 0.8, 0.3, 0.1, 0.5])
    pseudo = np.array([0, 1, 1, 0, 1])
    truth = np.array([0, 0, 1, 1, -1])
    selected = np.array([True, True, False, False, True])
    has_label = np.array([1, 1, 1, 0, 0])  # row 4: selected but masked, not covered
    confidence = np.array([0.1, 0.9, 0.2, 0.8, 0.5])  # ranks wrong above right: AUROC 0
    out = diagnose(_targets(weight, pseudo, selected, has_label, {"confidence": confidence}), truth)
    assert out["auroc_weight"] == pytest.approx(0.75)
    assert out["auroc_confidence"] == pytest.approx(0.0)
    assert out["auroc_density"] is None and out["auroc_distribution"] is None
    assert out["coverage"] == pytest.approx(2 / 5)  # has_label and selected: rows 0, 1
    assert out["precision"] == pytest.approx(0.5)
    assert out["precision_selected"] == pytest.approx(0.5)  # rows 0 (right) and 1 (wrong)
    assert out["count"] == 4.0
    assert set(out) == {
        "coverage", "precision", "precision_selected", "auroc_weight", "auroc_confidence",
        "auroc_density", "auroc_distribution", "count",
    }


def test_auroc_none_when_all_correct() -> None:
    t = _targets(np.array([0.2, 0.9]), np.array([0, 1]), [True, True], [1, 1], {})
    out = diagnose(t, np.array([0, 1]))
    assert out["auroc_weight"] is None and out["precision"] == 1.0


def test_reliability_bins() -> None:
    weight = np.array([0.05, 0.15, 0.95, 1.0, 0.92])
    correct = np.array([False, True, True, True, False])
    rows = reliability(weight, correct, bins=10)
    assert len(rows) == 10
    assert rows[0] == (0.0, pytest.approx(0.1), 1, 0.0)
    assert rows[1][2:] == (1, 1.0)
    assert rows[5][2:] == (0, None)
    assert rows[9][2] == 3 and rows[9][3] == pytest.approx(2 / 3)  # 1.0 falls in the last bin
