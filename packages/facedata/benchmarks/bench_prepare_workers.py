"""Benchmark (c): Beam prepare images/s with 2 DirectRunner worker processes against 1.

Target (issue 3): at least 1.5x on a job big enough that start-up does not dominate.
Each setting runs `--repeats` times in the order 1, 2, 2, 1, ... and the best time of each is
compared (like timeit): single runs here swing by 10-15 % with disk and page-cache state.
Usage: bench_prepare_workers.py [--quick] [--images N] [--repeats R]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from _data import write_raw_images  # noqa: E402
from _rounds import alternating  # noqa: E402

from facedata.pipeline import prepare  # noqa: E402
from facedata.pipeline.job import multi_process_args  # noqa: E402


def timed_prepare(raw: Path, out: Path, workers: int) -> float:
    start = time.perf_counter()
    prepare("csv", raw, out, dataset_name=f"w{workers}", image_size=64, grayscale=True,
            beam_args=multi_process_args(workers))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--images", type=int)
    parser.add_argument("--repeats", type=int)
    args = parser.parse_args()
    count = args.images or (6000 if args.quick else 40000)
    repeats = args.repeats or (1 if args.quick else 3)
    logging.getLogger().setLevel(logging.ERROR)
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw_images(Path(tmp) / "raw", count, size=160)
        for workers in alternating((1, 2), repeats):
            times[workers].append(timed_prepare(raw, Path(tmp) / "out", workers))
        same = all((Path(tmp) / "out/w1" / p.name).read_bytes() == p.read_bytes()
                   for p in (Path(tmp) / "out/w2").glob("*.tfrecord"))
    one, two = min(times[1]), min(times[2])
    runs = "; ".join(f"{w} worker(s): " + ", ".join(f"{t:.1f}s" for t in ts) for w, ts in times.items())
    # Amdahl: T1 = S + P and T2 = S + P/2 give the part that 2 workers do not share, S = 2 T2 - T1
    # (worker start-up, the one-worker read stage, ...; profile_prepare.py splits it by phase).
    print(f"BENCH prepare_2_workers_vs_1: {one / two:.2f}x ({count} images, best of {repeats}: 1 worker "
          f"{count / one:.0f} img/s, 2 workers {count / two:.0f} img/s; {runs}; {os.cpu_count()} cores, "
          f"serial part 2*T2-T1 = {2 * two - one:.1f} s of {one:.1f} s; identical shards: {same}, target >= 1.5x)")


if __name__ == "__main__":
    main()
