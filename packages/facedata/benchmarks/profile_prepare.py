"""Where the wall time of a Beam prepare job goes, with 1 and with 2 DirectRunner workers.

For benchmark (c) (`bench_prepare_workers.py`): the 2-worker speed-up is bounded by the serial
part of the job, so this times its phases from outside (the job's code is not changed):
before Beam (adapter, build folder, graph), the DirectRunner's attempt to start the Prism runner
first (Beam >= 2.6x; it falls back when Prism cannot be downloaded), worker start-up (until the
first bundle), each fused stage's bundles, and after Beam (the manifest pass over the written
shards, publishing). It also reports the runner process's own CPU time (the shuffles go through
it) against the workers', and Amdahl's serial estimate S = 2 T2 - T1.
Usage: profile_prepare.py [--images N] [--workers 1,2]  (not run by `make bench`)
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from _data import write_raw_images  # noqa: E402
from apache_beam.runners.portability import prism_runner  # noqa: E402
from apache_beam.runners.portability.fn_api_runner import fn_runner, worker_handlers  # noqa: E402

from facedata.pipeline import job  # noqa: E402

EVENTS: list[tuple[str, float, float]] = []  # (phase, start, seconds)


@contextmanager
def timed(obj, name: str, phase):
    """Records every call of `obj.name` as (phase or phase(args), start, seconds)."""
    original = getattr(obj, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            label = phase(*args) if callable(phase) else phase
            EVENTS.append((label, start, time.perf_counter() - start))

    setattr(obj, name, wrapper)
    try:
        yield
    finally:
        setattr(obj, name, original)


@contextmanager
def worker_connections():
    """Appends ("worker connected", start of the first worker launch, seconds) per worker."""
    launch, control = worker_handlers.SubprocessSdkWorkerHandler.start_worker, worker_handlers.BeamFnControlServicer.Control
    started: list[float] = []

    def start_worker(self):
        started.append(time.perf_counter())
        return launch(self)

    def connected(self, *args, **kwargs):
        if started:
            EVENTS.append(("worker launch to connection (each)", started[0], time.perf_counter() - started[0]))
        yield from control(self, *args, **kwargs)

    worker_handlers.SubprocessSdkWorkerHandler.start_worker = start_worker
    worker_handlers.BeamFnControlServicer.Control = connected
    try:
        yield
    finally:
        worker_handlers.SubprocessSdkWorkerHandler.start_worker = launch
        worker_handlers.BeamFnControlServicer.Control = control


def stage_label(_runner, _context, bundle_manager, *_):
    """The job's own step labels in a fused stage's name (ReadRecords, MakeExamples, ...)."""
    steps = re.findall(r"AppliedPTransform_([A-Za-z]+)", bundle_manager.stage.name)
    return "stage " + "+".join(dict.fromkeys(steps)) if steps else "stage " + bundle_manager.stage.name[:40]


def profile(raw: Path, out: Path, workers: int) -> dict:
    EVENTS.clear()
    cpu0, start = os.times(), time.perf_counter()
    with timed(job, "build_pipeline", "graph construction"), \
            timed(prism_runner.PrismRunner, "run_pipeline", "Prism attempt (falls back)"), \
            timed(fn_runner.FnApiRunner, "run_pipeline", "FnApiRunner run"), \
            timed(fn_runner.FnApiRunner, "_execute_bundle", stage_label), \
            timed(job.publish, "build_manifest", "manifest pass (reads the shards)"), \
            timed(job.publish, "publish", "publish"), worker_connections():
        job.prepare("csv", raw, out, dataset_name=f"w{workers}", image_size=64, grayscale=True,
                    beam_args=job.multi_process_args(workers))
    total, cpu1 = time.perf_counter() - start, os.times()
    phases: dict[str, float] = defaultdict(float)
    for label, _, seconds in EVENTS:
        phases[label] = max(phases[label], seconds) if label.startswith("worker launch") else phases[label] + seconds
    run = next(e for e in EVENTS if e[0] == "FnApiRunner run")
    first_bundle = min(s for label, s, _ in EVENTS if label.startswith("stage "))
    phases["worker start-up (run start to first bundle)"] = first_bundle - run[1]
    phases["before Beam (adapter, folders)"] = run[1] - start - phases["graph construction"] \
        - phases["Prism attempt (falls back)"]
    return {"total": total, "phases": dict(phases),
            "runner_cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system),
            "workers_cpu": (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--raw", help="an existing raw folder (labels.csv + img/) instead of generating one")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(args.raw) if args.raw else write_raw_images(Path(tmp) / "raw", args.images, size=160)
        count = len((raw / "labels.csv").read_text().splitlines()) - 1
        found = {w: profile(raw, Path(tmp) / "out", w) for w in map(int, args.workers.split(","))}
    for workers, r in found.items():
        print(f"# {workers} worker(s), {count} images: {r['total']:.1f} s wall ({count / r['total']:.0f} img/s); "
              f"runner process CPU {r['runner_cpu']:.1f} s, workers CPU {r['workers_cpu']:.1f} s")
        for label, seconds in sorted(r["phases"].items(), key=lambda kv: -kv[1]):
            print(f"#   {seconds:6.2f} s  {label}")
    if {1, 2} <= set(found):
        t1, t2 = found[1]["total"], found[2]["total"]
        print(f"PROFILE prepare_2_workers_vs_1: {t1 / t2:.2f}x; Amdahl serial part S = 2*T2 - T1 = {2 * t2 - t1:.1f} s "
              f"of T1 {t1:.1f} s")


if __name__ == "__main__":
    main()
