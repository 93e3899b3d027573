"""Every registered component runs in a process that never imports TensorFlow (DESIGN.md)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import numpy as np
import pseudolabel as pl
from pseudolabel.clustering._clusters import Clusters

rng = np.random.default_rng(0)
u, l = rng.normal(size=(60, 6)), rng.normal(size=(40, 6))
inputs = pl.PseudoInputs(rng.normal(size=(60, 3)), u, l)
for name, cls in pl.WEIGHTINGS.items():
    assert cls()(inputs).shape == (60,), name
w = np.linspace(0.1, 1.0, 60)
onehot = np.eye(3)[inputs.pseudo_labels]
for name, cls in pl.SELECTIONS.items():
    assert cls()(w, onehot, inputs.soft_teacher(2.0)).target.shape == (60, 3), name
clusters = {}
for name, cls in pl.CLUSTERINGS.items():
    clusters[name] = (cls()(u, 3, 0), cls()(l, 3, 0))
    assert isinstance(clusters[name][0], Clusters), name
for name, cls in pl.DISTANCES.items():
    assert cls()(*clusters["gmm"], 0).shape == (3,), name
for name, cls in pl.REFINERS.items():
    assert cls()(u, inputs.probabilities, 0).shape == (60, 3), name
assert "tensorflow" not in sys.modules, "tensorflow was imported"
assert "torch" not in sys.modules and "jax" not in sys.modules
print("ok")
"""


def test_all_components_without_tensorflow() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
