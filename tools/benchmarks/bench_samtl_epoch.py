"""Wall time of an SA-MTL epoch (its pseudo-label refresh included) against a joint epoch.

Same model (mini-Xception, two heads), same data (the built-in benchmark's emotion and pose
sets), same batch size. Each trainer stays alive and the two are timed in alternating rounds (A B,
B A, ...), one epoch each per round after a warm-up epoch, because a process's first epochs are
slow. An SA-MTL epoch trains on one dataset and first refreshes the other task's targets (one
inference pass over the current set and one over the other set, density and distribution
weights); a joint epoch trains on both sets. Prints
`BENCH samtl_epoch: <ratio>x` (SA-MTL epoch / joint epoch, target <= 1.5), the refresh share and
the spread over rounds.

Usage: python bench_samtl_epoch.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from faceschemas.flags import resolve  # noqa: E402
from mtl_methods.experiment import make_trainer  # noqa: E402
from mtl_methods.runs import RunFolder  # noqa: E402
from mtl_methods.trainer import TrainerOptions  # noqa: E402
from mtl_tools import wiring  # noqa: E402

ARGV = ["--tasks", "EP", "--model", "mini_xception", "--batch_size", "64", "--learning-rate", "1e-3",
        "--dataset_emotion", "synth_expw", "--dataset_pose", "synth_aflw", "--epochs", "100"]


def benchmark_root(quick: bool) -> Path:
    """The cached built-in benchmark (data/benchmark), or a small one for --quick."""
    from facedata.synth import build_benchmark

    if quick:
        root = Path(tempfile.mkdtemp()) / "benchmark"
        build_benchmark(root, scale=0.25, image_size=64)
        return root
    root = Path("data/benchmark")
    build_benchmark(root, scale=1.0, image_size=64)
    return root


def trainer_for(preset: str, root: Path):
    config = resolve(ARGV, preset=preset).config
    sources = wiring.build_sources(config, str(root))
    model = wiring.build_model(config)
    run = RunFolder.create(tempfile.mkdtemp(), config)
    return make_trainer(config, model, sources, run, mixer=wiring.mixer(),
                        options=TrainerOptions(progress=False, stop_after_epochs=1))


def timed_epoch(trainer) -> tuple[float, float]:
    """(wall seconds of one epoch, seconds of it spent before the first step: the refresh)."""
    start = time.perf_counter()
    trainer.fit()
    wall = time.perf_counter() - start
    steps = trainer.run.read_metrics()[-1]["seconds"]
    return wall, wall - steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 2 if args.quick else 3
    root = benchmark_root(args.quick)
    trainers = {"joint": trainer_for("all-in-one", root), "sa-mtl": trainer_for("sa-mtl", root)}
    for trainer in trainers.values():
        timed_epoch(trainer)  # warm-up: tracing, first-fit slowness
    timed_epoch(trainers["sa-mtl"])  # and the other direction of SA-MTL once
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in trainers}
    for r in range(rounds):
        order = list(trainers) if r % 2 == 0 else list(reversed(trainers))
        for name in order:
            # An SA-MTL "epoch" is measured as the mean of its two directions (one per dataset).
            count = 2 if name == "sa-mtl" else 1
            walls = [timed_epoch(trainers[name]) for _ in range(count)]
            times[name].append((float(np.mean([w for w, _ in walls])), float(np.mean([p for _, p in walls]))))
    joint = [w for w, _ in times["joint"]]
    sa = [w for w, _ in times["sa-mtl"]]
    refresh = [p for _, p in times["sa-mtl"]]
    ratios = [s / j for s, j in zip(sa, joint, strict=True)]
    print(f"BENCH samtl_epoch: {min(sa) / min(joint):.2f}x (best of {rounds} rounds: SA-MTL epoch {min(sa):.1f} s, "
          f"of which refresh + validation {min(refresh):.1f} s; joint epoch {min(joint):.1f} s; "
          f"per-round ratios {', '.join(f'{x:.2f}' for x in ratios)}; target <= 1.5)", flush=True)


if __name__ == "__main__":
    main()
