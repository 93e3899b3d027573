"""Synthetic clustered head features and logits for the pseudolabel benchmarks.

Each class is a Gaussian blob on a low-dimensional subspace of the feature space plus small
isotropic noise, like real head features (ReLU fc outputs have a low intrinsic dimension).
The logits come from the true class with noise, so that a known share of pseudo labels is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Synthetic:
    features: np.ndarray  # [n, dim] float32
    labels: np.ndarray  # [n] true classes
    logits: np.ndarray  # [n, classes]


def make(n: int, dim: int = 128, classes: int = 5, latent: int = 8, seed: int = 0,
         shift: float = 0.0) -> Synthetic:
    """n samples of `classes` blobs in `dim` dimensions; `shift` moves every blob (domain gap)."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(123).normal(scale=4.0, size=(classes, dim))
    basis = np.random.default_rng(321).normal(size=(classes, latent, dim)) / np.sqrt(latent)
    labels = rng.integers(0, classes, n)
    z = rng.normal(size=(n, latent))
    x = centres[labels] + rng.normal(scale=0.3, size=(n, dim)) + shift
    for k in range(classes):  # per class, so no [n, latent, dim] array is ever built
        rows = labels == k
        x[rows] += z[rows] @ basis[k]
    logits = 3.0 * np.eye(classes)[labels] + rng.normal(scale=1.5, size=(n, classes))
    return Synthetic(x.astype(np.float32), labels, logits)
