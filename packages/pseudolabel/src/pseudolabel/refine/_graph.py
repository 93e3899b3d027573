"""The k-NN affinity graph of the refiners (spec 7.4): cosine k-NN, Gaussian weights, symmetric.

Cosine distances are computed as half the squared Euclidean distance of L2-normalised features,
which lets sklearn's fast Euclidean brute-force search (a tiled GEMM with a heap per row) do the
work. Exact search is O(n²) and takes minutes at 100k points on two cores, so larger sets use an
inverted-file search: k-means cells, each cell searching only the points of its nearest cells.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

NeighborSearch = Literal["auto", "exact", "ivf"]

# Largest set searched exactly under "auto" (about 6 s at 20k x 128 on this 2-core machine).
EXACT_UP_TO = 20_000


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Unit-length float32 rows (zero rows stay zero)."""
    x = np.asarray(x, np.float32)
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def _exact(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    # kneighbors() without a query excludes each point from its own neighbours.
    search = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="euclidean").fit(x)
    dist, idx = search.kneighbors()
    return 0.5 * dist * dist, idx  # ||a - b||² / 2 = 1 - cos(a, b) for unit vectors


def _cells(x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """About sqrt(n) k-means cells, fitted on a subsample (the partition need not be optimal).

    Random initialisation and few Lloyd steps: k-means++ seeding of ~300 centres alone took
    longer than the whole search.
    """
    n_cells = max(1, int(np.sqrt(len(x))))
    rng = np.random.default_rng(seed)
    sample = x[rng.choice(len(x), size=min(len(x), 30 * n_cells), replace=False)]
    model = KMeans(n_clusters=n_cells, init="random", n_init=1, max_iter=10, random_state=seed)
    model.fit(sample)
    return model.cluster_centers_.astype(np.float32), model.predict(x)


def _top_k_others(query: np.ndarray, pool: np.ndarray, x: np.ndarray, k: int):
    """The k most cosine-similar points of `pool` to each query row, nearest first.

    The query rows are the first len(query) points of the pool, in order, so each one's own
    entry sits on the diagonal and is excluded there (a point is not its own neighbour).
    """
    sim = query @ x[pool].T
    own = np.arange(len(query))
    sim[own, own] = -np.inf
    part = np.argpartition(sim, sim.shape[1] - k, axis=1)[:, -k:]
    best = np.take_along_axis(sim, part, 1)
    order = np.argsort(-best, axis=1, kind="stable")
    return 1.0 - np.take_along_axis(best, order, 1), pool[np.take_along_axis(part, order, 1)]


def _ivf(x: np.ndarray, k: int, probe: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's points search exactly among the points of the `probe` cells nearest to it.

    One GEMM and one argpartition per cell; sklearn's per-call set-up cost more than the
    search itself on cells of a few hundred points.
    """
    centres, cell = _cells(x, seed)
    probe = min(probe, len(centres))
    near = NearestNeighbors(n_neighbors=probe, algorithm="brute").fit(centres).kneighbors(centres)[1]
    members = [np.flatnonzero(cell == c) for c in range(len(centres))]
    dist = np.empty((len(x), k))
    idx = np.empty((len(x), k), np.int64)
    for c, rows in enumerate(members):
        if not len(rows):
            continue
        others = [members[j] for j in near[c] if j != c]
        pool = np.concatenate([rows, *others])
        if len(pool) <= k:  # tiny cells: search everything rather than return too few
            pool = np.concatenate([rows, np.setdiff1d(np.arange(len(x)), rows)])
        dist[rows], idx[rows] = _top_k_others(x[rows], pool, x, k)
    return np.maximum(dist, 0.0), idx


def knn(
    features: np.ndarray, k: int, neighbors: NeighborSearch = "auto", probe: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """([n, k] cosine distances 1 - cos, [n, k] indices) of every point's k nearest others."""
    x = normalise_rows(features)
    k = min(k, len(x) - 1)
    if k < 1:
        raise ValueError("a k-NN graph needs at least two points")
    exact = neighbors == "exact" or (neighbors == "auto" and len(x) <= EXACT_UP_TO)
    return _exact(x, k) if exact else _ivf(x, k, probe, seed)


def knn_graph(dist: np.ndarray, idx: np.ndarray) -> sparse.csr_matrix:
    """[n, n] sparse matrix of the k-NN distances (row i holds its k neighbours)."""
    n, k = idx.shape
    rows = np.repeat(np.arange(n), k)
    return sparse.csr_matrix((dist.ravel(), (rows, idx.ravel())), shape=(n, n))


def affinity(
    features: np.ndarray,
    k: int = 10,
    sigma: float | None = None,
    neighbors: NeighborSearch = "auto",
    seed: int = 0,
) -> sparse.csr_matrix:
    """W_ij = exp(-d_ij² / (2 sigma²)) on the symmetrised k-NN graph, zero diagonal (spec 7.4).

    sigma defaults to the median k-NN distance, so the weights do not depend on the feature scale
    (the original's 0.2 was tuned to its features).
    """
    dist, idx = knn(features, k, neighbors, seed=seed)
    if sigma is None:
        sigma = float(np.median(dist)) or 1.0
    weights = np.exp(-(dist**2) / (2.0 * sigma**2))
    w = knn_graph(weights, idx)
    w = w.maximum(w.T).tocsr()  # i ~ j when either lists the other
    w.setdiag(0.0)
    w.eliminate_zeros()
    return w


def normalised(w: sparse.csr_matrix) -> sparse.csr_matrix:
    """S = D^{-1/2} W D^{-1/2}; isolated nodes keep a zero row."""
    deg = np.asarray(w.sum(axis=1)).ravel()
    inv = np.where(deg > 0, 1.0 / np.sqrt(np.where(deg > 0, deg, 1.0)), 0.0)
    d = sparse.diags(inv)
    return (d @ w @ d).tocsr()
