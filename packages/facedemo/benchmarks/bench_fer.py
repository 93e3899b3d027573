"""Our video pipeline against the `fer` package's own, both with OpenCV's Haar detector.

    FER_PYTHON=/tmp/fer-venv/bin/python .venv/bin/python packages/facedemo/benchmarks/bench_fer.py [--quick]

fer cannot live in our environment (it pulls torch and another OpenCV), so it runs in a separate
venv made by fer_venv.sh, on the same generated clip (clips.py), with the same cascade and
settings (scale 1.1, 5 neighbours, 50 px minimum) and the same FER2013 model (our preset is
converted from fer's file). Reports frames/s of each, without writing video, and the ratio.
Skipped (exit 0) when FER_PYTHON is not set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from clips import crossing_clip  # noqa: E402

from facedemo import DemoSettings, FacePipeline, run_video  # noqa: E402
from facedemo.detectors import get_detector  # noqa: E402


def ours(clip: Path) -> float:
    pipeline = FacePipeline(DemoSettings(detector="haar"))
    pipeline.detector = get_detector("haar", min_size=50)  # fer's minimum face size
    list(run_video(pipeline, str(clip), max_frames=3))
    start, count = time.perf_counter(), 0
    for _ in run_video(pipeline, str(clip)):
        count += 1
    return count / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A shorter clip.")
    args = parser.parse_args(argv)
    python = os.environ.get("FER_PYTHON")
    if not python:
        print("skipped: set FER_PYTHON to a venv made by packages/facedemo/benchmarks/fer_venv.sh")
        return
    with tempfile.TemporaryDirectory() as tmp:
        clip = crossing_clip(Path(tmp) / "crossing.avi", 40 if args.quick else 150)
        done = subprocess.run([python, str(Path(__file__).parent / "fer_side.py"), str(clip)],
                              capture_output=True, text=True, check=True)
        theirs = json.loads(done.stdout.strip().splitlines()[-1])
        mine = ours(clip)
    print(f"haar: ours {mine:.1f} frames/s, fer {theirs['fps']:.1f} frames/s (ours/fer x{mine / theirs['fps']:.2f})")


if __name__ == "__main__":
    main()
