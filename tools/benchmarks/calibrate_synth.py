"""Calibration of the built-in benchmark (issue 4, item 4): in-domain vs cross-domain accuracy.

For each labelled dataset, a mini-Xception (facemodels) is trained with plain `model.fit` on the
dataset's own released (noisy) labels, then scored on its own test split and, with the hidden
truth, on every other dataset's images for the same task. Prints one table row per task.

    .venv/bin/python tools/benchmarks/calibrate_synth.py [--out DIR] [--scale S]
        [--tasks pose,age]   (only the plan entries that train one of these tasks)

It lives in tools/ because it wires facedata and facemodels together (DESIGN.md: the packages
never import each other). Its name does not start with `bench_`, so `make bench` leaves it out.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402

import facedata  # noqa: E402
import facemodels  # noqa: E402
from facedata.synth import build_benchmark, load_hidden_truth  # noqa: E402

# (tasks trained together, training dataset). Each task is then scored on every other dataset's
# images: those are the images SA-MTL pseudo-labels for it.
PLAN = (
    (("emotion",), "synth_expw"),
    (("pose",), "synth_aflw"),
    (("age", "gender"), "synth_adience"),
    (("smile",), "synth_celeba"),
)


def load_arrays(root, name: str) -> dict[str, tuple[np.ndarray, list[str]]]:
    """{split: (grey images (N, 64, 64, 1) float32, sample ids)} of one prepared dataset."""
    out = {}
    for split in facedata.read_manifest(root / name).splits:
        images, ids = [], []
        ds = facedata.load(root / name, split, batch_size=512, channels=1, with_ids=True)
        for batch in ds.as_numpy_iterator():
            images.append(batch[0])
            ids.extend(i.decode() for i in batch[-1])
        out[split] = (np.concatenate(images), ids)
    return out


def _labels(truth: dict, ids: list[str], task: str, released: bool) -> np.ndarray:
    key = "released" if released else "labels"
    return np.array([truth[i][key][task] for i in ids])


def train(tasks: tuple[str, ...], x: np.ndarray, y: dict[str, np.ndarray], epochs: int, seed: int):
    """A mini-Xception fitted with plain model.fit (batch 64, Adam 1e-3 with cosine decay)."""
    keras.utils.set_random_seed(seed)
    model = facemodels.build_model("mini_xception", tasks)
    # Runs here are a few hundred steps: with Keras' default BN momentum (0.99) the moving
    # statistics are still far from the data and inference collapses to one class.
    for layer in model.get_layer("backbone").layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.9
    # Cosine decay to zero: with a constant rate the last epoch's weights swing by several
    # points from one epoch to the next, which would make a single short run a poor measure.
    steps = -(-len(x) // 64) * epochs
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps)), loss={t: "sparse_categorical_crossentropy" for t in tasks},
                  metrics={t: "accuracy" for t in tasks})
    model.fit(x, y, batch_size=64, epochs=epochs, verbose=0, shuffle=True)
    return model


def accuracy(model, task: str, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Top-1 accuracy of `task`'s head and its mean per-class accuracy (blind to priors)."""
    pred = model.predict(x, batch_size=256, verbose=0)[task].argmax(1)
    per_class = [np.mean(pred[y == c] == c) for c in np.unique(y)]
    return float(np.mean(pred == y)), float(np.mean(per_class))


def _all_images(data: dict, truth: dict, task: str) -> tuple[np.ndarray, np.ndarray]:
    """Every split of one dataset, with the clean labels of `task` from the hidden truth."""
    x = np.concatenate([data[s][0] for s in sorted(data)])
    ids = [i for s in sorted(data) for i in data[s][1]]
    return x, _labels(truth, ids, task, False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/facemtl-synth-calibration")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", default="", help="comma-separated tasks to calibrate (default: all)")
    args = parser.parse_args()
    wanted = {t.strip() for t in args.tasks.split(",") if t.strip()}
    known = {t for tasks, _ in PLAN for t in tasks}
    if wanted - known:
        parser.error(f"unknown task(s) {', '.join(sorted(wanted - known))}; known: {', '.join(sorted(known))}")
    plan = [entry for entry in PLAN if not wanted or wanted & set(entry[0])]
    start = time.perf_counter()
    build_benchmark(args.out, scale=args.scale, seed=args.seed)
    root = Path(args.out)
    names = [own for _, own in PLAN]
    data = {n: load_arrays(root, n) for n in names}
    truth = {n: load_hidden_truth(n, root=root) for n in names}
    # acc / mca: top-1 and mean per-class accuracy on the own test split against the released
    # (10 % noisy) labels; "clean" is the mca against the hidden truth. Cross-domain columns are
    # the clean mca on every image of each other dataset. The domains have different priors on
    # purpose (issue 4), so gaps are taken on clean mca, like against like.
    others = "  ".join(f"{n:>13s}" for n in names)
    print(f"{'task':8s} {'trained on':14s} {'acc':>6s} {'mca':>6s} {'clean':>6s} | {others} | {'max gap':>7s}")
    for tasks, own in plan:
        x, ids = data[own]["train"]
        model = train(tasks, x, {t: _labels(truth[own], ids, t, True) for t in tasks}, args.epochs, args.seed)
        xt, tid = data[own]["test"]
        for task in tasks:
            own_acc, own_mca = accuracy(model, task, xt, _labels(truth[own], tid, task, True))
            _, clean = accuracy(model, task, xt, _labels(truth[own], tid, task, False))
            cross = {n: accuracy(model, task, *_all_images(data[n], truth[n], task))[1] for n in names if n != own}
            cells = "  ".join(f"{cross[n]:13.3f}" if n in cross else f"{'-':>13s}" for n in names)
            print(f"{task:8s} {own:14s} {own_acc:6.3f} {own_mca:6.3f} {clean:6.3f} | {cells} | "
                  f"{clean - min(cross.values()):+7.3f}", flush=True)
    print(f"calibration took {time.perf_counter() - start:.0f}s (scale {args.scale}, {args.epochs} epochs)")


if __name__ == "__main__":
    main()
