"""Local density rho (spec 6.4): hand-computed values, exactness against the dense reference."""

from __future__ import annotations

import numpy as np
import pytest

from pseudolabel.inputs import PseudoInputs
from pseudolabel.weighting.density import (
    Density,
    density_reference,
    exact_counts,
    fast_counts,
)


def _inputs(features: np.ndarray, labels: np.ndarray, classes: int | None = None) -> PseudoInputs:
    """Inputs whose pseudo labels are exactly `labels` (one-hot logits)."""
    classes = classes or int(labels.max()) + 1
    return PseudoInputs(logits=5.0 * np.eye(classes)[labels], features=features)


def _line(xs: list[float]) -> np.ndarray:
    return np.array([[x, 0.0] for x in xs])


def test_hand_computed_case() -> None:
    # Class 0: points 0, 1, 2, 3, 10, 11 on a line, quantile 0.5.
    # The 36 distances sorted: six 0s, eight 1s (0-1, 1-2, 2-3, 10-11 both ways), four 2s,
    # two 3s, ... ; position floor(36 * 0.5) = 18 is the first 3, so d_c = 3.
    # rho = #{dist < 3} - 1: 0 -> {0,1,2} = 2; 1 -> {1,0,1,2} = 3; 2 -> 3; 3 -> {3,2,1,0}\{3} = 2;
    # 10 -> {0,1} = 1; 11 -> 1. Min-max: (rho - 1) / 2 = [0.5, 1, 1, 0.5, 0, 0].
    # Class 1: points 100, 101, 103. Sorted 9 distances 0,0,0,1,1,2,2,3,3; position 4 -> d_c = 1;
    # only the point itself is closer than 1, so rho = 0 for all: all equal -> 1 (guard).
    features = _line([0, 1, 2, 3, 10, 11, 100, 101, 103])
    labels = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    expected = np.array([0.5, 1.0, 1.0, 0.5, 0.0, 0.0, 1.0, 1.0, 1.0])
    inputs = _inputs(features, labels)
    for rows in (1, 2, 4, None):
        got = Density(Density.Settings(quantile=0.5, chunk_rows=rows))(inputs)
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(density_reference(features, labels, 0.5), expected)


@pytest.mark.parametrize("quantile", [0.05, 0.6, 1.0])
@pytest.mark.parametrize("chunk_rows", [1, 7, 64])
def test_chunked_equals_reference_exactly(quantile: float, chunk_rows: int) -> None:
    rng = np.random.default_rng(int(quantile * 100) + chunk_rows)
    labels = rng.integers(0, 4, 300)
    features = rng.normal(size=(300, 16)) * 3 + labels[:, None]
    settings = Density.Settings(quantile=quantile, chunk_rows=chunk_rows, max_sample=2000)
    got = Density(settings)(_inputs(features, labels))
    np.testing.assert_array_equal(got, density_reference(features, labels, quantile))


def test_chunk_bytes_bounds_block_rows() -> None:
    # 40 bytes per block over 3 points: one row at a time; the result does not change.
    rng = np.random.default_rng(3)
    features, labels = rng.normal(size=(50, 4)), np.zeros(50, int)
    small = Density(Density.Settings(chunk_bytes=40))
    assert small._rows(50) == 1
    np.testing.assert_array_equal(
        small(_inputs(features, labels, 2)), density_reference(features, labels, 0.6)
    )


@pytest.mark.parametrize(
    "xs", [[5.0], [0.0, 1.0], [0.0, 1.0, 0.0, 1.0]], ids=["one", "pair", "equal"]
)
def test_degenerate_classes_give_one(xs: list[float]) -> None:
    # One sample: nothing to normalise. A pair, or two duplicated points: equal densities.
    features = np.array([[x, 0.0] for x in xs])
    labels = np.zeros(len(xs), int)
    got = Density()(_inputs(features, labels, 2))
    np.testing.assert_array_equal(got, np.ones(len(xs)))
    np.testing.assert_array_equal(density_reference(features, labels, 0.6), np.ones(len(xs)))


def test_large_class_uses_subsample_and_stays_close() -> None:
    rng = np.random.default_rng(5)
    features = np.vstack([rng.normal(size=(300, 8)), rng.normal(size=(100, 8)) * 3])
    labels = np.zeros(400, int)
    got = Density(Density.Settings(max_sample=150, chunk_rows=33))(_inputs(features, labels, 2))
    ref = density_reference(features, labels, 0.6)
    assert not np.isnan(got).any() and got.min() == 0.0 and got.max() == 1.0
    assert np.corrcoef(got, ref)[0, 1] > 0.95
    # The same seed gives the same subsample.
    again = Density(Density.Settings(max_sample=150))(_inputs(features, labels, 2))
    np.testing.assert_array_equal(got, again)


def test_fast_counts_match_exact_counts() -> None:
    # Integer coordinates: every squared distance is an integer; a half-integer cut has no tie.
    rng = np.random.default_rng(9)
    x = rng.integers(-20, 20, size=(500, 12)).astype(np.float64)
    cut = 1600.5
    exact = exact_counts(x, np.float32(cut), 64)
    np.testing.assert_array_equal(fast_counts(x, cut, 37), exact)
    assert exact.min() >= 0 and exact.max() < 500
