"""Per-task metrics (spec 8.1 [REC]): accuracy, mean per-class accuracy, confusion; age MAE, 1-off."""

from __future__ import annotations

import numpy as np

from faceschemas.report import TaskMetrics
from faceschemas.tasks import AGE_GROUP_BOUNDS, get_task

# Middle of each Adience group, used to turn a predicted group into years for MAE.
AGE_GROUP_MIDDLES = np.array([(lo + hi) / 2 for lo, hi in AGE_GROUP_BOUNDS], dtype=np.float64)


def confusion_matrix(true: np.ndarray, pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Rows: true class, columns: predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(true, np.int64), np.asarray(pred, np.int64)), 1)
    return matrix


def accuracy(matrix: np.ndarray) -> float:
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else 0.0


def mean_class_accuracy(matrix: np.ndarray) -> float:
    """Mean of per-class recalls over the classes present in the truth."""
    support = matrix.sum(axis=1)
    present = support > 0
    if not present.any():
        return 0.0
    return float(np.mean(np.diag(matrix)[present] / support[present]))


def one_off_accuracy(matrix: np.ndarray) -> float:
    """Share of predictions within one ordinal group of the truth (Adience 1-off)."""
    total = matrix.sum()
    i, j = np.indices(matrix.shape)
    return float(matrix[np.abs(i - j) <= 1].sum() / total) if total else 0.0


def task_metrics(
    task: str,
    dataset: str,
    split: str,
    true: np.ndarray,
    pred: np.ndarray,
    years: np.ndarray | None = None,
    ground_truth: str = "labels",
) -> TaskMetrics:
    """TaskMetrics of integer predictions against labels (rows with label < 0 are skipped)."""
    true, pred = np.asarray(true), np.asarray(pred)
    keep = true >= 0
    matrix = confusion_matrix(true[keep], pred[keep], get_task(task).num_classes)
    extra = {}
    if task == "age":
        extra["one_off_accuracy"] = one_off_accuracy(matrix)
        if years is not None:
            extra["mae_years"] = age_mae(np.asarray(years)[keep], pred[keep])
    return TaskMetrics(
        task=task, dataset=dataset, split=split, count=int(keep.sum()), accuracy=accuracy(matrix),
        mean_class_accuracy=mean_class_accuracy(matrix), confusion=matrix.tolist(),
        ground_truth=ground_truth, **extra,
    )


def age_mae(years: np.ndarray, pred_groups: np.ndarray) -> float | None:
    """MAE in years between known ages and the middle of the predicted group (NaN ages skipped)."""
    years = np.asarray(years, dtype=np.float64)
    known = np.isfinite(years) & (years >= 0)
    if not known.any():
        return None
    return float(np.mean(np.abs(AGE_GROUP_MIDDLES[np.asarray(pred_groups)[known]] - years[known])))
