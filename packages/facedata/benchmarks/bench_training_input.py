"""Benchmarks (a) and (b): mini-Xception training speed by input pipeline, against its ceiling.

The ceiling is the model's own speed: the same compiled model and `fit` path on ONE constant
batch held in memory (`Dataset.from_tensors(batch).repeat()`), so no input work at all. Every
pipeline is reported as a ratio to it, and to in-memory tensors and the research loader:
(a) `facedata.load` from the TFRecords (shuffled; target >= 0.95x the ceiling), the same with
    training augmentation (target >= 0.9x), and in-memory tensors of the decoded images;
(b) a research-style loader (cv2.imread per file from a CSV list, resized in Python, as the
    original code did); `facedata.load` must beat it.
The pipelines share one model and are timed in rounds, in the order A B C ... then ... C B A;
each keeps its best round (headline ratio: best over best) and the spread is the min..max of
the per-round ratios. The first `fit` of a process runs slower for a long while (measured: about
500 img/s against 670-740 later, whatever the pipeline), so timing each pipeline once in a fixed
order flattered every pipeline against the first one. A timing covers steps 2..S of one `fit`
(no fit set-up); many short rounds, because here a foreign process taking one core for a while
slows a round by a third: the CPU other processes used during the timings is printed. Before the
rounds, each pipeline is also iterated alone (no training) after one full pass, for its images/s
and CPU microseconds per image: the input work that training has to share the two cores with.
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
from _machine import ForeignCpu  # noqa: E402
from _rounds import alternating  # noqa: E402

import facedata  # noqa: E402

BATCH = 64
SIZE = 64
# name -> (what it is, target as a ratio to the ceiling or None)
PIPELINES = {
    "ceiling": ("one constant batch in memory (no input work)", None),
    "memory": ("in-memory tensors, shuffled", None),
    "records": ("facedata.load, shuffled", 0.95),
    "augmented": ("facedata.load training=True (flip, rotation, shift, scale)", 0.90),
    "research": ("research cv2.imread loader", None),
}


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


def decoded(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = [], []
    for image, label, _ in facedata.load(folder, "train", tasks=("emotion",), batch_size=256):
        images.append(image.numpy())
        labels.append(label["emotion"].numpy())
    return np.concatenate(images), np.concatenate(labels)


def in_memory(x: np.ndarray, y: np.ndarray) -> tf.data.Dataset:
    """The same images decoded once into tensors, shuffled and batched by tf.data."""
    ds = tf.data.Dataset.from_tensor_slices((x, {"emotion": y})).shuffle(len(x)).repeat()
    return ds.batch(BATCH).prefetch(tf.data.AUTOTUNE)


def ceiling(x: np.ndarray, y: np.ndarray) -> tf.data.Dataset:
    """One real batch, repeated: the training step with zero input work (the model's limit)."""
    return tf.data.Dataset.from_tensors((x[:BATCH], {"emotion": y[:BATCH]})).repeat()


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


class StepClock(keras.callbacks.Callback):
    """Times steps 2..N of a `fit` (the steady state: no fit set-up, no first-step latency)."""

    _supports_tf_logs = True  # no conversion of the logs to numpy after every step

    def on_train_batch_end(self, batch, logs=None):
        self.last = time.perf_counter()
        if batch == 0:
            self.first = self.last


def images_per_second(model: keras.Model, iterator, steps: int) -> float:
    clock = StepClock()
    model.fit(iterator, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[clock])
    return (steps - 1) * BATCH / (clock.last - clock.first)


def input_alone(pipelines: dict[str, tf.data.Dataset], batches: int) -> dict[str, tuple[float, float]]:
    """Each pipeline iterated without training, after one full pass (fills caches):
    (images/s, CPU microseconds per image, all threads of this process)."""
    found = {}
    for name, ds in pipelines.items():
        iterator = iter(ds)
        for _ in range(batches):
            next(iterator)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(batches):
            next(iterator)
        images = batches * BATCH
        found[name] = (images / (time.perf_counter() - wall), 1e6 * (time.process_time() - cpu) / images)
    return found


def round_rates(model: keras.Model, pipelines: dict[str, tf.data.Dataset], steps: int, rounds: int):
    """Images/s of each pipeline in every round (alternating order), after one warm-up each;
    and the CPU seconds other processes took during each timing."""
    # One long-lived iterator per pipeline (pitfalls: tearing one down can cost seconds).
    iterators = {name: iter(ds) for name, ds in pipelines.items()}
    for iterator in iterators.values():  # warm-up: traces, fills buffers and shuffle queues
        model.fit(iterator, steps_per_epoch=max(5, steps // 2), epochs=1, verbose=0)
    rates: dict[str, list[float]] = {name: [] for name in iterators}
    foreign: list[float] = []
    for name in alternating(list(iterators), rounds):
        with ForeignCpu() as other:
            rates[name].append(images_per_second(model, iterators[name], steps))
        foreign.append(other.seconds or 0.0)
    return rates, foreign


def ratio(rates: dict, name: str, reference: str) -> str:
    """best/best, and the min..max of the per-round ratios (round r of each, close in time)."""
    per_round = [a / b for a, b in zip(rates[name], rates[reference], strict=True)]
    return f"{max(rates[name]) / max(rates[reference]):.2f}x ({min(per_round):.2f}..{max(per_round):.2f})"


def report(rates: dict, foreign: list[float], alone: dict, setting: str) -> None:
    best = {name: max(r) for name, r in rates.items()}
    print(f"# {setting}; best img/s: " + ", ".join(f"{n} {v:.0f}" for n, v in best.items()), flush=True)
    print("# img/s per round: " + "; ".join(f"{n} " + " ".join(f"{v:.0f}" for v in r) for n, r in rates.items()))
    print(f"# other processes' CPU during the timings: {sum(foreign):.1f} s in all (max {max(foreign):.1f} s "
          "in one timing)")
    print("# input alone (no training; img/s, CPU us per image): "
          + "; ".join(f"{n} {r:.0f}, {c:.0f} us" for n, (r, c) in alone.items()))
    for name, (what, target) in PIPELINES.items():
        if name == "ceiling" or name not in rates:
            continue
        aim = f", target >= {target}x" if target else ""
        others = "; ".join(f"vs {ref} {ratio(rates, name, ref)}" for ref in ("memory", "research") if ref != name)
        print(f"BENCH train_{name}_vs_ceiling: {ratio(rates, name, 'ceiling')} ({what}, {best[name]:.0f} img/s; "
              f"{others}{aim})")
    ahead = best["records"] > best["research"] and best["augmented"] > best["research"]
    cpu = {n: alone[n][1] for n in ("records", "augmented", "research")}
    print(f"BENCH train_facedata_vs_research: {ratio(rates, 'records', 'research')} "
          f"(augmented {ratio(rates, 'augmented', 'research')}; input CPU per image {cpu['records']:.0f} us, "
          f"augmented {cpu['augmented']:.0f} us, research {cpu['research']:.0f} us; "
          f"target: ahead, {'met' if ahead else 'NOT met'})")


def pipelines(folder: Path, raw: Path) -> dict[str, tf.data.Dataset]:
    x, y = decoded(folder)
    return {"ceiling": ceiling(x, y), "memory": in_memory(x, y), "records": from_tfrecords(folder, augment=False),
            "augmented": from_tfrecords(folder, augment=True), "research": research_loader(raw)}


def run(count: int, steps: int, rounds: int, extra=None) -> None:
    """Prepares `count` images, times every pipeline (plus `extra(folder, raw)`'s) and reports."""
    logging.getLogger().setLevel(logging.ERROR)
    keras.utils.set_random_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw_images(Path(tmp) / "raw", count, size=96)
        facedata.prepare("csv", raw, Path(tmp) / "out", image_size=SIZE, grayscale=True, split_fractions=(1.0, 0.0, 0.0))
        folder = Path(tmp) / "out" / "csv"
        found = pipelines(folder, raw) | (extra(folder, raw) if extra else {})
        alone = input_alone({n: ds for n, ds in found.items() if n != "ceiling"}, max(1, count // BATCH))
        rates, foreign = round_rates(build_model(), found, steps, rounds)
    report(rates, foreign, alone, f"{count} images, batch {BATCH}, {rounds} rounds x {steps} steps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--images", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args()
    count = args.images or (1500 if args.quick else 10000)
    steps = args.steps or (12 if args.quick else 20)
    rounds = args.rounds or (2 if args.quick else 8)
    run(count, steps, rounds)


if __name__ == "__main__":
    main()
