"""Training images/s of the mtl_methods trainer against a bare `model.fit`, same model and data.

Both train the same two-task conv model on the same in-memory images (two disjoint datasets,
mixed in every batch; masked losses in both). Prints `BENCH train_overhead: <ratio>x (...)`,
the trainer's images/s over fit's (target >= 0.9).

Usage: python bench_train_overhead.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

from faceschemas.flags import resolve  # noqa: E402
from faceschemas.tasks import TASKS  # noqa: E402
from mtl_methods import determinism, testing  # noqa: E402
from mtl_methods.experiment import make_trainer  # noqa: E402
from mtl_methods.runs import RunFolder  # noqa: E402
from mtl_methods.trainer import TrainerOptions  # noqa: E402

SHAPE = (48, 48, 1)
TASK_LIST = ("emotion", "pose")


def conv_model() -> keras.Model:
    """A small conv trunk with two heads, in the model contract (raw pixels in, dict out)."""
    images = keras.Input(SHAPE)
    x = keras.layers.Rescaling(1 / 127.5, offset=-1.0)(images)
    for filters in (16, 32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = {}
    for task in TASK_LIST:
        feats = keras.layers.Dense(64, activation="relu")(x)
        logits = keras.layers.Dense(TASKS[task].num_classes)(feats)
        outputs |= {task: keras.layers.Softmax()(logits), f"{task}_logits": logits, f"{task}_features": feats}
    return keras.Model(images, outputs)


def trainer_rate(sources, epochs: int, batch: int) -> float:
    config = resolve(["--tasks", "EP", "--epochs", str(epochs + 1), "--batch_size", str(batch)],
                     preset="all-in-one").config
    determinism.configure(0)
    run = RunFolder.create(tempfile.mkdtemp(), config)
    trainer = make_trainer(config, conv_model(), sources, run, options=TrainerOptions(progress=False))
    trainer.fit()
    rates = [r["images_per_second"] for r in run.read_metrics()][1:]  # the first epoch traces
    return float(np.mean(rates))


def fit_rate(arrays, epochs: int, batch: int) -> float:
    images, labels, masks = arrays
    determinism.configure(0)
    model = conv_model()
    loss = keras.losses.SparseCategoricalCrossentropy()
    model.compile(keras.optimizers.AdamW(1e-4, weight_decay=0.005), loss={t: loss for t in TASK_LIST})
    data = tf.data.Dataset.from_tensor_slices((images, labels, masks)).shuffle(512).batch(batch).prefetch(2)
    model.fit(data, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(data, epochs=epochs, verbose=0)
    return len(images) * epochs / (time.perf_counter() - start)


def fit_arrays(sources):
    """The same images as one array, labels of the missing task 0 with sample weight 0."""
    parts = [list(s.train.as_numpy_iterator()) for s in sources]
    rows = [r for part in parts for r in part]
    images = np.stack([r[0] for r in rows])
    labels = {t: np.array([max(0, r[1].get(t, -1)) for r in rows], np.int32) for t in TASK_LIST}
    masks = {t: np.array([float(t in r[1]) for r in rows], np.float32) for t in TASK_LIST}
    return images, labels, masks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n, epochs, batch = (768, 2, 64) if args.quick else (2048, 4, 64)
    sources = [testing.synthetic_source(f"synth_{t}", t, n_train=n // 2, n_val=0, n_test=0, seed=i,
                                        image_shape=SHAPE) for i, t in enumerate(TASK_LIST)]
    for s in sources:
        s.val = s.test = None
    fit = fit_rate(fit_arrays(sources), epochs, batch)
    ours = trainer_rate(sources, epochs, batch)
    print(f"BENCH train_overhead: {ours / fit:.2f}x (mtl trainer {ours:.0f} img/s, bare model.fit {fit:.0f} img/s, "
          f"{n} images, batch {batch}, {epochs} epochs, target >= 0.9)", flush=True)


if __name__ == "__main__":
    main()
