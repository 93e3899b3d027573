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


def test_one_off_accuracy_counts_predictions_within_one_group():
    # |true - pred| = |0-1|, |3-5|, |7-7|, |2-4|, |4-3| = 1, 2, 0, 2, 1: three of five within one.
    matrix = confusion_matrix([0, 3, 7, 2, 4], [1, 5, 7, 4, 3], 8)
    assert one_off_accuracy(matrix) == pytest.approx(3 / 5)


def test_age_mae_against_the_middle_of_the_predicted_group():
    # Group middles (Adience bounds): 0-2 -> 1, 17.5, 40.5, 60-100 -> 80. Unknown ages (NaN, -1) skipped:
    # |1 - 3| = 2, |80 - 70| = 10, |40.5 - 30| = 10.5  ->  MAE = (2 + 10 + 10.5) / 3 = 7.5.
    years = np.array([3.0, np.nan, 70.0, 30.0, -1.0])
    assert age_mae(years, np.array([0, 3, 7, 5, 2])) == pytest.approx(7.5)
    assert age_mae(np.array([np.nan, -1.0]), np.array([0, 1])) is None


def test_task_metrics_skips_missing_labels_and_builds_the_report_contract():
    m = task_metrics("age", "synth_adience", "test", np.array([0, -1, 2]), np.array([1, 4, 2]))
    assert m.count == 2 and m.accuracy == 0.5 and m.one_off_accuracy == 1.0
    # Rows 0 and 2 kept: |5 - 2| = 3 (group 4-6), |10 - 12| = 2 (group 8-12) -> MAE 2.5; the
    # unlabelled row 1 (age 9, predicted 25-32) does not count.
    years = task_metrics("age", "synth_adience", "test", np.array([0, -1, 2]), np.array([1, 4, 2]),
                         years=np.array([2.0, 9.0, 12.0]))
    assert years.mae_years == pytest.approx(2.5)
    assert len(m.confusion) == 8
