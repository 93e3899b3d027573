from __future__ import annotations

import numpy as np
import pytest

from mtl_methods.metrics import (
    accuracy,
    age_mae,
    confusion_matrix,
    mean_class_accuracy,
    one_off_accuracy,
    task_metrics,
)


def test_confusion_and_accuracies():
    matrix = confusion_matrix([0, 0, 0, 1], [0, 0, 1, 1], 3)
    assert matrix.tolist() == [[2, 1, 0], [0, 1, 0], [0, 0, 0]]
    assert accuracy(matrix) == pytest.approx(0.75)
    assert mean_class_accuracy(matrix) == pytest.approx((2 / 3 + 1) / 2)  # absent class 2 ignored


def test_age_metrics_one_off_and_mae():
    matrix = confusion_matrix([0, 3, 7], [1, 5, 7], 8)
    assert one_off_accuracy(matrix) == pytest.approx(2 / 3)
    assert age_mae(np.array([1.0, np.nan, 80.0]), np.array([0, 3, 7])) == pytest.approx((0 + 0) / 2)


def test_task_metrics_skips_missing_labels_and_builds_the_report_contract():
    m = task_metrics("age", "synth_adience", "test", np.array([0, -1, 2]), np.array([1, 4, 2]))
    assert m.count == 2 and m.accuracy == 0.5 and m.one_off_accuracy == 1.0
    assert len(m.confusion) == 8
