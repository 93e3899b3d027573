"""Local density rho (spec 6.4): how crowded a sample's neighbourhood is within its pseudo class.

For each pseudo class k, on the U samples with ŷ = k: d_c is the `quantile` quantile of the pairwise
Euclidean distances (diagonal zeros included: the element at floor(n² t) of the n² sorted
distances), rho_u = #{v : dist(u, v) < d_c} - 1, then min-max normalised within the class.
The original holds the dense n×n matrix and sorts it (O(n²) memory, spec 6.4 [BUG]); here d_c comes
from a seeded subsample of at most `max_sample` points and the counts from blocks of distances
(row chunks up to `max_sample` points, square float32 tiles above), so memory is linear in n
(spec 6.4 [REC]). On a class no larger than the subsample the result equals the dense
reference `density_reference` exactly.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from faceschemas.base import FrozenModel
from faceschemas.config import PseudoLabelSettings
from pseudolabel.inputs import PseudoInputs
from pseudolabel.registries import WEIGHTINGS

# The original zeroes normalised densities at or below this (spec 6.4 step 4).
_ZERO_BELOW = 1e-5


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances [len(a), len(b)], the same whichever rows of `a` come together.

    The Gram term comes from a float64 GEMM, whose last bits depend on how BLAS blocks the call;
    rounding to float32 hides those bits, so a row chunk gives the same values as the full matrix
    and the chunked density equals the dense reference exactly. Densities only compare distances
    with d_c, so squared distances (sqrt is monotone) give the same counts without the sqrt.
    """
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    sq = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    np.maximum(sq, 0.0, out=sq)  # cancellation can leave tiny negatives
    return sq.astype(np.float32)


def _self_distances(x: np.ndarray) -> np.ndarray:
    """Dense squared distances of `x` with itself and an exact zero diagonal (spec 6.4 step 2)."""
    sq = squared_distances(x, x)
    np.fill_diagonal(sq, 0.0)
    return sq


def _quantile_index(size: int, quantile: float) -> int:
    """Position floor(size * t) of the sorted distances; t = 1 is clipped to the last one."""
    return min(int(np.floor(size * quantile)), size - 1)


def _normalise(rho: np.ndarray) -> np.ndarray:
    """Min-max within the class (spec 6.4 step 4); degenerate classes give 1 (spec 10.7)."""
    shifted = rho.astype(np.float64) - rho.min()
    top = shifted.max()
    if top <= 0:  # one sample, or every sample equally dense: 0/0 in the original
        return np.ones(len(rho))
    out = shifted / top
    out[out <= _ZERO_BELOW] = 0.0
    return out


def cutoff(x: np.ndarray, quantile: float, max_sample: int, rng: np.random.Generator) -> float:
    """d_c² from all points when the class is small, else from a random subsample of them."""
    if len(x) > max_sample:
        x = x[np.sort(rng.choice(len(x), size=max_sample, replace=False))]
    sq = _self_distances(x).ravel()
    position = _quantile_index(sq.size, quantile)
    return float(np.partition(sq, position)[position])


def exact_counts(x: np.ndarray, cut: np.float32, chunk_rows: int) -> np.ndarray:
    """#{v : dist(u, v)² < cut} - 1 for every u, bit-for-bit the dense reference's counts."""
    counts = np.empty(len(x), np.int64)
    for start in range(0, len(x), chunk_rows):
        block = squared_distances(x[start : start + chunk_rows], x)
        rows = np.arange(len(block))
        block[rows, start + rows] = 0.0  # the same exact-zero diagonal as the dense matrix
        counts[start : start + len(block)] = (block < cut).sum(axis=1)
    return counts - 1


def _augmented(x: np.ndarray, cut: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left, right, limit) with ||a-b||² < cut  <=>  (left_a . right_b) > limit_a.

    ||a-b||² < cut  <=>  2 a.b - ||b||² > ||a||² - cut: appending 1 to 2a and -||b||² to b makes
    one GEMM produce the left side. The class is centred first (distances do not move) so
    float32 keeps its precision.
    """
    x = np.asarray(x, np.float64)
    x = x - x.mean(axis=0)
    norms = (x * x).sum(axis=1)
    left = np.hstack([2.0 * x, np.ones((len(x), 1))]).astype(np.float32)
    right = np.hstack([x, -norms[:, None]]).astype(np.float32)
    return left, right, (norms - cut).astype(np.float32)


def fast_counts(x: np.ndarray, cut: float, tile: int) -> np.ndarray:
    """The neighbour counts for large classes: float32 GEMM tiles, each pair computed once.

    The relation "closer than d_c" is symmetric, so only tiles on or above the diagonal are
    computed and an off-diagonal tile adds to the counts of both its row and column points.
    d_c is a subsample estimate on this path anyway, so float32 rounding is immaterial.
    """
    left, right, limit = _augmented(x, cut)
    n = len(x)
    counts = np.zeros(n, np.int64)
    for i in range(0, n, tile):
        rows = slice(i, min(i + tile, n))
        for j in range(i, n, tile):
            cols = slice(j, min(j + tile, n))
            close = (left[rows] @ right[cols].T) > limit[rows, None]
            if j == i:
                # Self-distance is exactly 0 in the exact form (0 < d_c whenever d_c > 0);
                # float32 rounding of 2a.a - ||a||² could miss it, so set it rather than trust it.
                np.fill_diagonal(close, cut > 0)
            counts[rows] += close.sum(axis=1)
            if j != i:
                counts[cols] += close.sum(axis=0)
    return counts - 1


def _tile(chunk_rows: int, n: int) -> int:
    """A square tile with as many entries as a block of `chunk_rows` full rows."""
    return max(1, min(n, int(np.sqrt(chunk_rows * n))))


def class_density(
    x: np.ndarray,
    quantile: float,
    max_sample: int,
    chunk_rows: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Normalised rho of the samples of one pseudo class (exact up to `max_sample` points)."""
    if len(x) == 1:
        return np.ones(1)
    cut = cutoff(x, quantile, max_sample, rng)
    if len(x) <= max_sample:
        return _normalise(exact_counts(x, np.float32(cut), chunk_rows))
    return _normalise(fast_counts(x, cut, _tile(chunk_rows, len(x))))


def density_reference(features: np.ndarray, labels: np.ndarray, quantile: float) -> np.ndarray:
    """The O(n²) computation of the original (dense matrix and full sort), for tests and benches.

    Args:
        features: [N, D] features of U.
        labels: [N] pseudo labels.
        quantile: density_t.

    Returns:
        [N] normalised densities.
    """
    rho = np.ones(len(labels))
    for k in np.unique(labels):
        members = np.flatnonzero(labels == k)
        sq = _self_distances(features[members])
        cut = np.sort(sq.ravel())[_quantile_index(sq.size, quantile)]
        rho[members] = _normalise((sq < cut).sum(axis=1) - 1)
    return rho


@WEIGHTINGS.register("density")
class Density:
    """rho per pseudo class, chunked and subsampled (spec 6.4 [REC])."""

    flag = "density"

    class Settings(FrozenModel):
        """Options of the local density."""

        quantile: float = Field(default=0.6, gt=0, le=1, description="density_t: d_c quantile.")
        max_sample: int = Field(default=2000, ge=2, description="Points used to estimate d_c.")
        chunk_bytes: int = Field(
            default=64 * 2**20, ge=1, description="Memory of one block of distance rows."
        )
        chunk_rows: int | None = Field(default=None, ge=1, description="Overrides chunk_bytes.")

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or self.Settings()

    @classmethod
    def from_pseudo(cls, settings: PseudoLabelSettings) -> Density:
        return cls(cls.Settings(quantile=settings.density_quantile))

    def _rows(self, n: int) -> int:
        # A block holds rows x n float64 squared distances, a float32 copy and a mask.
        return self.settings.chunk_rows or max(1, self.settings.chunk_bytes // (13 * n))

    def __call__(self, inputs: PseudoInputs) -> np.ndarray:
        """[N] densities in [0, 1]; each pseudo class is normalised on its own."""
        features = inputs.require_features("density")
        labels = inputs.pseudo_labels
        rho = np.ones(len(labels))
        for k in np.unique(labels):
            members = np.flatnonzero(labels == k)
            rng = np.random.default_rng([inputs.seed, int(k)])
            rho[members] = class_density(
                features[members], self.settings.quantile, self.settings.max_sample,
                self._rows(len(members)), rng,
            )
        return rho
