"""One real training step per backbone, run in a child process by test_training_step.py.

A TF crash (pitfalls.md: mini-Xception's stride-2 1x1 shortcut segfaults under oneDNN) kills the
process instead of raising, so the test runs this script in a subprocess and reads its lines:
`TRAINED <backbone> <loss before> <loss after> <max weight change>`.

Usage: python train_step_script.py [--full] BACKBONE[:eager]...

A backbone runs compiled (`model.fit`'s graph, as the trainer does) unless suffixed `:eager`:
tracing the train function of a deep trunk costs far more than the step itself on 2 cores.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402

import facemodels  # noqa: E402

# Reduced builds as in conftest.SMALL (this script runs in a child process, outside pytest).
SMALL = {
    "vggface16": {"input_shape": (32, 32), "width": 0.25},
    "mobilenetv2": {"input_shape": (32, 32), "alpha": 0.35},
    "resnet18": {"input_shape": (32, 32), "width": 0.25},
    "resnet50": {"input_shape": (32, 32), "width": 0.25},
}


def train_one_step(name: str, full: bool, eager: bool = False) -> str:
    options = {} if full else SMALL.get(name, {})
    model = facemodels.build_model(name, "EP", batch_norm=True, regression=("yaw",), **options)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (8, *model.input_shape[1:])).astype(np.float32)
    y = {"emotion": rng.integers(0, 7, 8), "pose": rng.integers(0, 5, 8), "yaw": rng.normal(0, 30, (8, 1))}
    losses = {"emotion": "sparse_categorical_crossentropy", "pose": "sparse_categorical_crossentropy", "yaw": "mse"}
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=losses, run_eagerly=eager)
    before = [w.copy() for w in model.get_weights()]
    first = model.train_on_batch(x, y, return_dict=True)["loss"]
    second = model.train_on_batch(x, y, return_dict=True)["loss"]
    change = max(float(np.abs(a - b).max()) for a, b in zip(before, model.get_weights(), strict=True))
    return f"TRAINED {name} {first:.6g} {second:.6g} {change:.6g}"


if __name__ == "__main__":
    args = sys.argv[1:]
    full = "--full" in args
    for arg in [a for a in args if a != "--full"]:
        backbone, _, mode = arg.partition(":")
        print(train_one_step(backbone, full, eager=mode == "eager"), flush=True)
