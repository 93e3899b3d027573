"""Refiners (spec 7.4): label propagation fixes noisy labels, graph shape, the Potts MRF."""

from __future__ import annotations

import numpy as np
import pytest

from pseudolabel import REFINERS, propagate
from pseudolabel.refine._graph import affinity, knn
from pseudolabel.refine.mrf import refine_mrf


def _two_clusters(n: int = 60, noisy: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    centre = np.zeros(8)
    centre[0] = 1.0
    x = np.vstack([rng.normal(size=(n, 8)) * 0.1 + centre, rng.normal(size=(n, 8)) * 0.1 - centre])
    truth = np.repeat([0, 1], n)
    p = np.where(truth[:, None] == np.arange(2), 0.7, 0.3)
    flip = rng.choice(2 * n, size=noisy, replace=False)
    p[flip] = p[flip][:, ::-1]
    return x, p, truth, flip


def test_propagation_converges_and_fixes_noisy_labels() -> None:
    x, p, truth, flip = _two_clusters()
    assert (p.argmax(1) != truth).sum() == 4
    f, iterations = propagate(x, p, k=10, alpha=0.9, tol=1e-6)
    assert iterations < 400  # converged before the cap
    np.testing.assert_array_equal(f.argmax(1), truth)


def test_propagation_stops_at_max_iter() -> None:
    x, p, _, _ = _two_clusters()
    _, iterations = propagate(x, p, alpha=0.99, max_iter=5)
    assert iterations == 5


def test_affinity_graph_shape() -> None:
    x, _, _, _ = _two_clusters(n=30)
    w = affinity(x, k=5)
    assert w.shape == (60, 60)
    assert (w != w.T).nnz == 0  # symmetric
    assert np.all(w.diagonal() == 0)
    degree = np.diff(w.indptr)
    assert degree.min() >= 5 and w.nnz <= 2 * 5 * 60
    assert w.data.min() > 0 and w.data.max() <= 1


def test_ivf_search_finds_most_exact_neighbours() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 4)) @ rng.normal(size=(4, 32)) + 0.05 * rng.normal(size=(3000, 32))
    d_exact, i_exact = knn(x, 10, "exact")
    d_ivf, i_ivf = knn(x, 10, "ivf", seed=0)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(i_exact, i_ivf, strict=True)])
    assert recall > 0.9
    assert np.all(i_ivf != np.arange(3000)[:, None])  # self excluded
    assert np.all(d_ivf[:, 0] >= d_exact[:, 0] - 1e-6)


def test_mrf_runs_and_smooths() -> None:
    x, p, truth, _ = _two_clusters()
    q = refine_mrf(x, p, k=10, beta=2.0, sweeps=10)
    np.testing.assert_allclose(q.sum(1), 1.0)
    assert (q.argmax(1) == truth).mean() > (p.argmax(1) == truth).mean()


@pytest.mark.parametrize("name", REFINERS.names())
def test_every_refiner_returns_distributions(name: str) -> None:
    x, p, _, _ = _two_clusters(n=20)
    refiner = REFINERS.get(name)()
    out = refiner(x, p, 0)
    assert out.shape == p.shape
    np.testing.assert_allclose(out.sum(1), 1.0)
