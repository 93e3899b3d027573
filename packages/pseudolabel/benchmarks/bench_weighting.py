"""Benchmark of the SA-MTL weighting: confidence x density x distribution through make_targets.

Prints, for N samples of 128-d features in 5 pseudo classes (100k; 20k with --quick): the wall
time and peak RSS of `make_targets`, each run in a fresh process so the memory is its own (best of
3, with the spread); then the chunked / subsampled density against the dense O(n²) reference on
one class of the largest size the reference comfortably holds here (10k; 3k with --quick),
timed in alternating rounds, with their agreement. Targets: < 30 s and < 2 GB at 100k.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from _synthetic import make  # noqa: E402

import pseudolabel as pl  # noqa: E402
from faceschemas.config import PseudoLabelSettings  # noqa: E402
from pseudolabel.weighting.density import Density, density_reference  # noqa: E402

SETTINGS = PseudoLabelSettings(
    enabled=True, confidence=True, density=True, distribution=True, mode="hard",
    selection_threshold=0.8,
)


def child(n: int) -> None:
    """One timed make_targets in this (fresh) process; prints a JSON line."""
    unlabelled, labelled = make(n, seed=0), make(n // 3, seed=1, shift=0.2)
    inputs = pl.PseudoInputs(unlabelled.logits, unlabelled.features, labelled.features)
    start, cpu = time.perf_counter(), time.process_time()
    out = pl.make_targets(SETTINGS, inputs)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    stats = pl.diagnose(out, unlabelled.labels)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak_mb, **stats}))


def end_to_end(n: int, repeats: int) -> None:
    runs = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    walls = [r["wall_s"] for r in runs]
    peaks = [r["peak_rss_mb"] for r in runs]
    best = min(runs, key=lambda r: r["wall_s"])
    last = runs[-1]
    print(f"make_targets, N={n}, 128-d, 5 classes, L={n // 3}, c*rho*g, hard 0.8:")
    print(f"  wall best {min(walls):.1f} s, spread {min(walls):.1f}-{max(walls):.1f} s "
          f"over {repeats} fresh processes (target < 30 s); CPU time of the best "
          f"{best['cpu_s']:.1f} s (both cores: CPU > wall; contention: wall > CPU)")
    print(f"  peak RSS {max(peaks):.0f} MB max, {min(peaks):.0f} MB min (target < 2048 MB)")
    print(f"  precision {last['precision']:.3f}, selected {last['precision_selected']:.3f}, "
          f"coverage {last['coverage']:.3f}, AUROC weight {last['auroc_weight']:.3f}")


def density_ratio(n: int, rounds: int) -> None:
    data = make(n, classes=1, seed=2)
    labels = np.zeros(n, int)
    inputs = pl.PseudoInputs(np.zeros((n, 1)), data.features)
    chunked = Density()
    times: dict[str, list[float]] = {"reference": [], "chunked": []}
    results = {}
    for r in range(rounds):
        order = ["reference", "chunked"] if r % 2 == 0 else ["chunked", "reference"]
        for name in order:
            start = time.perf_counter()
            if name == "reference":
                results[name] = density_reference(data.features, labels, 0.6)
            else:
                results[name] = chunked(inputs)
            times[name].append(time.perf_counter() - start)
    best = {k: min(v) for k, v in times.items()}
    ref, got = results["reference"], results["chunked"]
    print(f"density on one class of {n} (d_c from a {chunked.settings.max_sample}-point "
          f"subsample), best of {rounds} alternating rounds:")
    for name, values in times.items():
        print(f"  {name:9s} best {best[name]:.2f} s, spread {min(values):.2f}-{max(values):.2f} s")
    print(f"  speed-up reference / chunked = {best['reference'] / best['chunked']:.1f}x; "
          f"max |diff| {np.abs(ref - got).max():.4f}, correlation {np.corrcoef(ref, got)[0, 1]:.5f}")
    exact = Density(Density.Settings(max_sample=n))(inputs)
    print(f"  with the subsample = the class: equal to the reference: {np.array_equal(exact, ref)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)
    end_to_end(20_000 if args.quick else 100_000, repeats=3)
    density_ratio(3_000 if args.quick else 10_000, rounds=3)


if __name__ == "__main__":
    main()
