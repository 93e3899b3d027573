"""Benchmark (c): Beam prepare images/s with 2 DirectRunner worker processes against 1.

Target (issue 3): at least 1.5x on a job big enough that start-up does not dominate.
Usage: bench_prepare_workers.py [--quick] [--images N]
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
    args = parser.parse_args()
    count = args.images or (6000 if args.quick else 20000)
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw_images(Path(tmp) / "raw", count, size=160)
        one = timed_prepare(raw, Path(tmp) / "out", 1)
        two = timed_prepare(raw, Path(tmp) / "out", 2)
        same = all((Path(tmp) / "out/w1" / p.name).read_bytes() == p.read_bytes()
                   for p in (Path(tmp) / "out/w2").glob("*.tfrecord"))
    print(f"BENCH prepare_2_workers_vs_1: {one / two:.2f}x ({count} images, 1 worker {count / one:.0f} img/s, "
          f"2 workers {count / two:.0f} img/s, {os.cpu_count()} cores, identical shards: {same}, target >= 1.5x)")


if __name__ == "__main__":
    main()
