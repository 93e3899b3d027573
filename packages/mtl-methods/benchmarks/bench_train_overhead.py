"""`mtl train`'s training loop against a bare `model.fit`: same model, same data, same batches.

The model users train: facemodels' mini-Xception with emotion and pose heads, built as `mtl train`
builds it (`mtl_tools.wiring`), on the built-in benchmark's EP pair (synth_expw + synth_aflw, read
with facedata as `mtl train` reads them, mixed in every batch: the All-in-one joint method).
`mtl train` side: `make_trainer` (the experiment path: joint strategy, custom tf.function step with
masked losses, AdamW, loop counters, checkpoints and validation at each epoch end). Bare side: a
second copy of the model compiled with the same AdamW and per-task sparse cross-entropy on the
logits, masks as sample weights, fed by the same facedata mix. Both stay alive and are timed in
alternating rounds (A B, B A, ...): one trainer epoch of S steps against `fit` for S steps, after a
warm-up each. Only the training steps are timed on both sides (the trainer's own step-loop time;
fit's from its first batch to its last); the trainer's epoch end (validation, checkpoint) is
reported beside. Prints `BENCH train_overhead: <ratio>x` (trainer img/s over fit's, best of the
rounds, with the per-round spread; target >= 0.95) and the per-step overhead in microseconds.

Data: `--data-root` (default data/benchmark) when it holds the two prepared datasets, else a
benchmark generated into a temporary folder (small with `--quick`, which always generates one
so that it is self-contained).
Usage: python bench_train_overhead.py [--quick] [--data-root DIR] [--steps S] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

from faceschemas.flags import resolve  # noqa: E402
from mtl_methods.data import shuffled  # noqa: E402
from mtl_methods.experiment import make_trainer  # noqa: E402
from mtl_methods.runs import RunFolder  # noqa: E402
from mtl_methods.trainer import NO_DECAY, TrainerOptions  # noqa: E402
from mtl_tools import wiring  # noqa: E402

DATASETS = ("synth_expw", "synth_aflw")
BATCH = 64


def argv(steps: int) -> list[str]:
    return ["--tasks", "EP", "--model", "mini_xception", "--batch_size", str(BATCH), "--learning-rate", "1e-3",
            "--dataset_emotion", DATASETS[0], "--dataset_pose", DATASETS[1], "--epochs", "100000",
            "--steps_per_epoch", str(steps)]


def data_root(requested: str, quick: bool) -> tuple[str, str]:
    """(root, how it was found): the prepared EP pair, or a generated benchmark in a temp folder."""
    from facedata.synth import build_benchmark

    if not quick:
        try:
            for name in DATASETS:
                wiring.dataset_dir(name, requested)
            return requested, f"prepared data in {requested}"
        except ValueError:
            pass
    root = Path(tempfile.mkdtemp()) / "benchmark"
    scale = 0.1 if quick else 1.0
    build_benchmark(root, scale=scale, image_size=64)  # never into a shared folder: it may clear it
    return str(root), f"generated benchmark, scale {scale}"


def mtl_trainer(config, sources):
    run = RunFolder.create(tempfile.mkdtemp(), config)
    return make_trainer(config, wiring.build_model(config), sources, run, mixer=wiring.mixer(),
                        backbone=wiring.backbone_selector(),
                        options=TrainerOptions(progress=False, stop_after_epochs=1))


def trainer_epoch(trainer) -> tuple[float, float]:
    """(images/s of the epoch's training steps, seconds of the rest of the epoch: validation, ...)."""
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the trainer's per-epoch line
        trainer.fit()
    wall = time.perf_counter() - start
    record = trainer.run.read_metrics()[-1]
    return record["images_per_second"], wall - record["seconds"]


def fit_model(config):
    """The same model, compiled for `fit`: AdamW as the trainer's, cross-entropy on the logits."""
    model = wiring.build_model(config)
    optimizer = keras.optimizers.AdamW(config.training.learning_rate, weight_decay=config.training.weight_decay)
    optimizer.exclude_from_weight_decay(var_names=NO_DECAY)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer, loss={f"{t}_logits": loss for t in config.tasks})
    return model


def fit_batches(config, sources) -> tf.data.Dataset:
    """The trainer's joint batches (facedata.mix of the same sources), as (x, y, sample_weight)."""
    tasks = tuple(config.tasks)
    parts = {s.name: shuffled(s, tasks, config.seed + i) for i, s in enumerate(sources)}
    from facedata import mix

    mixed = mix(parts, {s.name: s.train_size for s in sources}, BATCH, config.training.mix, config.seed)

    def as_fit(images, labels, masks, _ids):
        return (images, {f"{t}_logits": tf.maximum(labels[t], 0) for t in tasks},
                {f"{t}_logits": masks[t] for t in tasks})

    return mixed.repeat().map(as_fit).prefetch(2)


class StepClock(keras.callbacks.Callback):
    """Wall time from the start of a fit's first batch to the end of its last."""

    _supports_tf_logs = True  # no conversion of the logs to numpy after every step

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self.first = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.last = time.perf_counter()


def fit_rate(model, iterator, steps: int) -> float:
    clock = StepClock()
    model.fit(iterator, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[clock])
    return steps * BATCH / (clock.last - clock.first)


def measure(root: str, steps: int, rounds: int) -> dict[str, list[float]]:
    config = resolve(argv(steps), preset="all-in-one").config
    sources = wiring.build_sources(config, root)
    trainer, model = mtl_trainer(config, sources), fit_model(config)
    iterator = iter(fit_batches(config, sources))  # long-lived, like the trainer's
    trainer_epoch(trainer)  # warm-up: tracing, caches, the first-fit slowness
    fit_rate(model, iterator, steps)
    found: dict[str, list[float]] = {"trainer": [], "fit": [], "epoch_end": []}
    for r in range(rounds):
        for side in ("trainer", "fit") if r % 2 == 0 else ("fit", "trainer"):
            if side == "fit":
                found["fit"].append(fit_rate(model, iterator, steps))
                continue
            rate, rest = trainer_epoch(trainer)
            found["trainer"].append(rate)
            found["epoch_end"].append(rest)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-root", default="data/benchmark")
    parser.add_argument("--steps", type=int)
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args()
    steps, rounds = args.steps or (10 if args.quick else 40), args.rounds or (2 if args.quick else 6)
    logging.getLogger().setLevel(logging.ERROR)
    root, origin = data_root(args.data_root, args.quick)
    found = measure(root, steps, rounds)
    ours, fit = max(found["trainer"]), max(found["fit"])
    per_round = [a / b for a, b in zip(found["trainer"], found["fit"], strict=True)]
    overhead_us = 1e6 * BATCH * (1 / ours - 1 / fit)
    print("# img/s per round: trainer " + " ".join(f"{v:.0f}" for v in found["trainer"])
          + "; fit " + " ".join(f"{v:.0f}" for v in found["fit"]))
    print(f"BENCH train_overhead: {ours / fit:.2f}x (per round {min(per_round):.2f}..{max(per_round):.2f}; "
          f"mtl train loop {ours:.0f} img/s, bare model.fit {fit:.0f} img/s, best of {rounds} rounds x {steps} "
          f"steps; per-step overhead {overhead_us:+.0f} us on {1e6 * BATCH / fit:.0f} us; mini-Xception EP, "
          f"batch {BATCH}, {origin}; epoch end (validation, checkpoint) {min(found['epoch_end']):.1f} s "
          "per epoch, not timed; target >= 0.95)", flush=True)


if __name__ == "__main__":
    main()
