"""Distribution weight g (spec 6.5): EMD against a linear program, guards, MMD, end to end."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.spatial.distance import cdist

from pseudolabel.distances.emd import emd, ground_distances, partial_emd
from pseudolabel.distances.mmd import mmd
from pseudolabel.inputs import PseudoInputs
from pseudolabel.registries import CLUSTERINGS, DISTANCES
from pseudolabel.weighting.distribution import Distribution, inverse_distance_weight


def _transport_lp(cost: np.ndarray, a: np.ndarray, b: np.ndarray, partial: bool) -> float:
    """min sum F*cost, F >= 0; balanced: rows = a, columns = b; partial: total a, columns <= b."""
    n, m = cost.shape
    rows = np.kron(np.eye(n), np.ones(m))  # sum_j F_ij
    cols = np.kron(np.ones(n), np.eye(m))  # sum_i F_ij
    if partial:
        res = linprog(cost.ravel(), A_ub=cols, b_ub=b, A_eq=rows, b_eq=a, method="highs")
    else:
        res = linprog(cost.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.r_[a, b], method="highs")
    assert res.success
    return float(res.fun)


def test_emd_hand_case_and_ground_distances() -> None:
    # One unit mass at the origin, targets at distances 3 and 4 holding half each: 3.5.
    # The original's partial flow with mass 0.5 fills the nearest target only: 3.
    y, b = np.array([[3.0, 0.0], [0.0, 4.0]]), np.array([0.5, 0.5])
    assert emd(np.zeros((1, 2)), np.ones(1), y, b) == pytest.approx(3.5)
    assert partial_emd(np.zeros(2), 0.5, y, b) == pytest.approx(3.0)
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
    np.testing.assert_allclose(ground_distances(x, z), cdist(x, z))


@pytest.mark.parametrize("seed", range(5))
def test_emd_matches_linprog(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 5), rng.integers(2, 6)
    x, y = rng.normal(size=(n, 4)), rng.normal(size=(m, 4))
    a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
    expected = _transport_lp(ground_distances(x, y), a / a.sum(), b / b.sum(), partial=False)
    assert emd(x, a, y, b) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_partial_emd_matches_linprog(seed: int) -> None:
    # The original's form: mass pi^U_i into capacities pi^L_j, cost divided by the flow.
    rng = np.random.default_rng(seed + 10)
    y, b = rng.normal(size=(4, 3)), rng.random(4) + 0.1
    b /= b.sum()
    x, mass = rng.normal(size=3), float(rng.uniform(0.05, 0.9))
    cost = ground_distances(x[None], y)
    expected = _transport_lp(cost, np.array([mass]), b, partial=True) / mass
    assert partial_emd(x, mass, y, b) == pytest.approx(expected, abs=1e-6)
    # It goes to the nearest targets first, so it is never above the balanced mass-1 EMD.
    assert partial_emd(x, mass, y, b) <= emd(x[None], np.ones(1), y, b) + 1e-12


def test_inverse_distance_weight_guards() -> None:
    np.testing.assert_allclose(inverse_distance_weight([1.0, 2.0, 4.0]), [1.0, 0.5, 0.25])
    np.testing.assert_array_equal(inverse_distance_weight([0.0, 2.0, 4.0]), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(inverse_distance_weight([0.0, 0.0]), [1.0, 1.0])


def test_mmd_zero_for_identical_and_grows_with_shift() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    assert mmd(x, x) == 0.0
    small, large = mmd(x, x + 0.3, bandwidth=2.0), mmd(x, x + 1.5, bandwidth=2.0)
    assert 0.0 < small < large
    assert mmd(x, rng.normal(size=(200, 5)) + 2.0) > mmd(x, rng.normal(size=(200, 5)))


@pytest.mark.parametrize("distance", DISTANCES.names())
@pytest.mark.parametrize("clustering", CLUSTERINGS.names())
def test_cluster_near_labelled_set_weighs_most(clustering: str, distance: str) -> None:
    rng = np.random.default_rng(1)
    labelled = rng.normal(size=(300, 6))
    near, far = rng.normal(size=(150, 6)), rng.normal(size=(150, 6)) + 8.0
    features = np.vstack([near, far])
    settings = Distribution.Settings(cluster_k=2, clustering=clustering, distance=distance)
    inputs = PseudoInputs(np.zeros((300, 3)), features, labelled, seed=4)
    g = Distribution(settings)(inputs)
    assert np.all(g[:150] == 1.0)
    assert np.all(g[150:] < 0.5)


def test_class_count_below_k_still_clusters() -> None:
    rng = np.random.default_rng(2)
    inputs = PseudoInputs(np.zeros((3, 2)), rng.normal(size=(3, 4)), rng.normal(size=(2, 4)))
    g = Distribution(Distribution.Settings(cluster_k=4))(inputs)
    assert g.shape == (3,) and np.isfinite(g).all() and g.max() == 1.0


def test_unknown_component_options_rejected() -> None:
    with pytest.raises(ValueError):
        Distribution(Distribution.Settings(clustering_options={"nope": 1}))
