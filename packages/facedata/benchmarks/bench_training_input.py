"""Benchmarks (a) and (b): mini-Xception training speed by input pipeline, in one run.

(a) `facedata.load` from the TFRecords (shuffled, no augmentation, like the baseline) against
    the same training fed from in-memory tensors (target: at least 0.9x, i.e. the input pipeline
    never starves the trainer); the same with training augmentation is reported beside it;
(b) a research-style loader (cv2.imread per file from a CSV list, resized in Python, as the
    original code did), reported beside it.
The four pipelines share one model and are timed in rounds, in the order A B C D then D C B A,
...; each keeps its best round. The first `fit` of a process runs slower for a long while
(measured: about 500 img/s against 670-740 later, whatever the pipeline), so timing each
pipeline once in a fixed order flattered every pipeline against the first one.
Usage: bench_training_input.py [--quick] [--images N] [--steps S] [--rounds R]
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
from _data import write_raw_images  # noqa: E402
from _rounds import alternating  # noqa: E402

import facedata  # noqa: E402

BATCH = 64
SIZE = 64


def build_model() -> keras.Model:
    """facemodels' mini-Xception (benchmark scripts may import facemodels; the library may not)."""
    import facemodels

    model = facemodels.build_model("mini_xception", ["emotion"])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss={"emotion": keras.losses.SparseCategoricalCrossentropy()})
    return model


def from_tfrecords(folder: Path, augment: bool) -> tf.data.Dataset:
    ds = facedata.load(folder, "train", tasks=("emotion",), training=augment, shuffle=True, repeat=True,
                       batch_size=BATCH)
    return ds.map(lambda image, labels, masks: (image, {"emotion": labels["emotion"]}))


def in_memory(folder: Path) -> tf.data.Dataset:
    """The same images decoded once into tensors: the upper bound of any input pipeline."""
    images, labels = [], []
    for image, label, _ in facedata.load(folder, "train", tasks=("emotion",), batch_size=256):
        images.append(image.numpy())
        labels.append(label["emotion"].numpy())
    x, y = np.concatenate(images), np.concatenate(labels)
    ds = tf.data.Dataset.from_tensor_slices((x, {"emotion": y})).shuffle(len(x)).repeat()
    return ds.batch(BATCH).prefetch(tf.data.AUTOTUNE)


def research_loader(raw: Path) -> tf.data.Dataset:
    """cv2.imread per file from the CSV list, grey + resize in Python, one batch at a time."""
    with open(raw / "labels.csv") as src:
        rows = [(str(raw / r["path"]), int(r["emotion"])) for r in csv.DictReader(src)]

    def batches():
        rng = np.random.default_rng(0)
        while True:
            order = rng.permutation(len(rows))
            for start in range(0, len(order) - BATCH + 1, BATCH):
                xs, ys = [], []
                for i in order[start:start + BATCH]:
                    image = cv2.cvtColor(cv2.imread(rows[i][0]), cv2.COLOR_BGR2GRAY)
                    xs.append(cv2.resize(image, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)[:, :, None])
                    ys.append(rows[i][1])
                yield np.stack(xs).astype(np.float32), {"emotion": np.array(ys, np.int32)}

    spec = (tf.TensorSpec((None, SIZE, SIZE, 1), tf.float32), {"emotion": tf.TensorSpec((None,), tf.int32)})
    return tf.data.Dataset.from_generator(batches, output_signature=spec).prefetch(2)


def images_per_second(model: keras.Model, iterator, steps: int) -> float:
    start = time.perf_counter()
    model.fit(iterator, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps * BATCH / (time.perf_counter() - start)


def best_rates(model: keras.Model, pipelines: dict[str, tf.data.Dataset], steps: int, rounds: int) -> dict:
    """Images/s of each pipeline: its best of `rounds` rounds, in alternating order."""
    # One long-lived iterator per pipeline (pitfalls: tearing one down can cost seconds).
    iterators = {name: iter(ds) for name, ds in pipelines.items()}
    for iterator in iterators.values():  # warm-up: fills buffers and shuffle queues
        model.fit(iterator, steps_per_epoch=max(5, steps // 5), epochs=1, verbose=0)
    best = dict.fromkeys(iterators, 0.0)
    for name in alternating(list(iterators), rounds):
        best[name] = max(best[name], images_per_second(model, iterators[name], steps))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--images", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args()
    count, steps = args.images or (1500 if args.quick else 10000), args.steps or (25 if args.quick else 100)
    rounds = args.rounds or (1 if args.quick else 3)
    logging.getLogger().setLevel(logging.ERROR)
    keras.utils.set_random_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw_images(Path(tmp) / "raw", count, size=96)
        facedata.prepare("csv", raw, Path(tmp) / "out", image_size=SIZE, grayscale=True, split_fractions=(1.0, 0.0, 0.0))
        folder = Path(tmp) / "out" / "csv"
        rates = best_rates(build_model(), {
            "memory": in_memory(folder), "records": from_tfrecords(folder, augment=False),
            "augmented": from_tfrecords(folder, augment=True), "research": research_loader(raw),
        }, steps, rounds)
    memory, records, augmented, research = (rates[k] for k in ("memory", "records", "augmented", "research"))
    detail = f"{count} images, batch {BATCH}, best of {rounds} x {steps} steps; in-memory {memory:.0f} img/s"
    print(f"BENCH train_facedata_vs_memory: {records / memory:.2f}x ({detail}, facedata.load {records:.0f} img/s, "
          "target >= 0.9x)")
    print(f"BENCH train_facedata_augmented_vs_memory: {augmented / memory:.2f}x ({detail}, facedata.load "
          f"training=True (flip, rotation, shift, scale) {augmented:.0f} img/s)")
    print(f"BENCH train_research_loader_vs_memory: {research / memory:.2f}x ({detail}, cv2.imread loader "
          f"{research:.0f} img/s; facedata.load / research = {records / research:.2f}x)")


if __name__ == "__main__":
    main()
