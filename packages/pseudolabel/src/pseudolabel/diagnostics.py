"""How good are the pseudo labels and their weights? Needs the true labels of U (tests, synth)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from faceschemas.layouts import RunLayout
from pseudolabel.combine import PseudoTargets

_FACTORS = ("confidence", "density", "distribution")


def _auroc(score: np.ndarray, correct: np.ndarray) -> float | None:
    """AUROC of `score` ranking correct above wrong; None when it cannot say anything."""
    if correct.size == 0 or correct.all() or not correct.any():
        return None  # one class of correctness only
    if np.ptp(score) == 0:
        return None  # a constant score (a factor that is off)
    return float(roc_auc_score(correct, score))


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def diagnose(targets: PseudoTargets, true_labels: np.ndarray) -> dict[str, float | None]:
    """Coverage, precision and the AUROC of the weight and of each factor against correctness.

    Args:
        targets: the output of `make_targets`.
        true_labels: [N] int true labels of U, -1 where unknown (those rows only count in
            coverage).

    Returns:
        A plain dict: coverage (fraction of rows with has_label and selected), precision (of all
        pseudo labels), precision_selected, auroc_weight (final weight), auroc_confidence,
        auroc_density, auroc_distribution, count (rows with a known label). None where undefined.
    """
    truth = np.asarray(true_labels)
    known = truth >= 0
    correct = (targets.pseudo_label == truth)[known]
    kept = (targets.selected & (targets.has_label > 0))
    out: dict[str, float | None] = {
        "coverage": _mean(kept.astype(np.float64)),
        "precision": _mean(correct.astype(np.float64)),
        "precision_selected": _mean(correct[kept[known]].astype(np.float64)),
        "auroc_weight": _auroc(targets.final_weight[known], correct),
    }
    for name in _FACTORS:
        score = targets.factors.get(name)
        out[f"auroc_{name}"] = None if score is None else _auroc(score[known], correct)
    out["count"] = float(known.sum())
    return out


def reliability(
    weight: np.ndarray, correct: np.ndarray, bins: int = 10
) -> list[tuple[float, float, int, float | None]]:
    """Precision of the pseudo labels in equal-width bins of the weight over [0, 1].

    Args:
        weight: [N] weights in [0, 1].
        correct: [N] bool, the pseudo label is right.
        bins: number of bins; the last one includes 1.

    Returns:
        One (lower, upper, count, precision) per bin; precision None for an empty bin.
    """
    weight, correct = np.asarray(weight, np.float64), np.asarray(correct, bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, weight, side="right") - 1, 0, bins - 1)
    rows = []
    for b in range(bins):
        hit = correct[which == b]
        rows.append((float(edges[b]), float(edges[b + 1]), int(hit.size), _mean(hit.astype(float))))
    return rows


def newest_tables(tables: Iterable[Path]) -> dict[str, Path]:
    """The newest of a run's pseudo-label tables (`RunLayout.pseudo_table` names) for each task."""
    newest = {}
    for path in sorted(tables):  # epoch-NNN-...: sorted by name is sorted by epoch
        newest[RunLayout.pseudo_table_task(path.name)] = path
    return newest


def read_weight_correct(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """A pseudo-label table's weight and correctness columns; None when it has no truth to say."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "correct" not in rows[0]:
        return None
    return (np.array([float(r["weight"]) for r in rows]), np.array([int(r["correct"]) for r in rows], bool))
