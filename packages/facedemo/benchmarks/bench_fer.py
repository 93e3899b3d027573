"""Our video pipeline against the `fer` package's own, both with OpenCV's Haar detector.

    .venv/bin/python packages/facedemo/benchmarks/bench_fer.py [--quick] [--every K]

fer cannot live in our environment (it pulls another OpenCV and its own TensorFlow use), so it
runs in a separate venv: $FER_PYTHON if set, else one that this script builds once with
fer_venv.sh into ~/.cache/facedemo/fer-venv ($XDG_CACHE_HOME honoured; outside the repository)
and reuses afterwards. Both read the same generated clip (clips.py) with the same cascade
(scale 1.1, 5 neighbours) and the same FER2013 model (our preset is converted from fer's file),
without writing video. Reported, each against fer's frames/s measured in the same run:

  (a) detection on every frame with fer's own detection settings: full frame, 50 px minimum face;
  (b) `mtl demo video --detector haar` as it runs by default (faces from 48 px, found at the
      working resolution where such a face fills the cascade's 24 px window), and the same with
      detection on every K-th frame and tracking in between, with how often the tracked boxes lie
      within IoU 0.5 of the boxes of per-frame detection.
Exits non-zero, with one line saying why, when the fer venv can neither be found nor built.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from bench_video import agreement  # noqa: E402
from clips import crossing_clip  # noqa: E402

from facedemo import DemoSettings, FacePipeline, run_video  # noqa: E402
from facedemo.detectors import get_detector  # noqa: E402
from facedemo.runtime import limit_tf_threads  # noqa: E402
from facedemo.video import VIDEO_MIN_FACE  # noqa: E402

FER_VERSION = "fer==25.10.3"  # as pinned in fer_venv.sh
FER_MIN_FACE = 50  # fer's default minimum face size (px) for its Haar cascade
READY = ".facedemo-ready"  # written into the venv once fer_venv.sh has finished


def cache_venv() -> Path:
    """Where the fer venv is built when FER_PYTHON is not set."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "facedemo" / "fer-venv"


def fer_python() -> str:
    """The fer venv's interpreter: $FER_PYTHON, or the cached venv (built on first use)."""
    if os.environ.get("FER_PYTHON"):
        return os.environ["FER_PYTHON"]
    venv = cache_venv()
    marker = venv / READY
    if not (marker.is_file() and marker.read_text().strip() == FER_VERSION):
        build_venv(venv)
    return str(venv / "bin" / "python")


def build_venv(venv: Path) -> None:
    """Runs fer_venv.sh into `venv` (from scratch: a half-built venv is removed first)."""
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("bench_fer: cannot build the fer venv: the `uv` command is not on PATH "
                         "(install it, or set FER_PYTHON to a venv made by fer_venv.sh)")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    print(f"building the fer venv in {venv} (once; downloads fer and TensorFlow from PyPI)...", flush=True)
    env = dict(os.environ, UV=uv, FER_VENV_PYTHON=f"{sys.version_info.major}.{sys.version_info.minor}")
    done = subprocess.run(["bash", str(Path(__file__).parent / "fer_venv.sh"), str(venv)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"bench_fer: cannot build the fer venv in {venv}: {_reason(done)}")
    (venv / READY).write_text(FER_VERSION + "\n")


def _reason(done: subprocess.CompletedProcess) -> str:
    """One line from a failed command's output: its first error line, else its last line."""
    lines = [line.strip() for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith(("error", "×")) or "Error:" in line]
    return (errors or lines or [f"exit status {done.returncode}"])[0 if errors else -1]


def fer_fps(python: str, clip: Path) -> float:
    """Frames/s of fer's own `Video.analyze` on `clip` (fer_side.py in the fer venv)."""
    done = subprocess.run([python, str(Path(__file__).parent / "fer_side.py"), str(clip)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench_fer: fer's side failed with {python}: {_reason(done)}")
    return json.loads(done.stdout.strip().splitlines()[-1])["fps"]


def ours(pipeline: FacePipeline, clip: Path, detect_every: int) -> tuple[float, list[list[tuple]]]:
    """Frames/s of `run_video` on `clip` (after a 3-frame warm-up) and the boxes of each frame."""
    list(run_video(pipeline, str(clip), max_frames=3))
    start = time.perf_counter()
    boxes = [[f.box for f in r.prediction.faces] for r in run_video(pipeline, str(clip), detect_every=detect_every)]
    return len(boxes) / (time.perf_counter() - start), boxes


def pipelines() -> tuple[FacePipeline, FacePipeline]:
    """(fer's detection settings, our video defaults), sharing one loaded model."""
    same = FacePipeline(DemoSettings(detector="haar"))
    same.detector = get_detector("haar", min_size=FER_MIN_FACE)  # on the full frame, as fer does
    default = FacePipeline(DemoSettings(detector="haar", min_face=VIDEO_MIN_FACE), models=same.models)
    return same, default


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A shorter clip, one round.")
    parser.add_argument("--rounds", type=int, default=None, help="Rounds, fer then ours in each (default 2).")
    parser.add_argument("--every", type=int, default=5, help="K of the detect-every-K run.")
    args = parser.parse_args(argv)
    python = fer_python()
    limit_tf_threads()  # as `mtl demo video` does, before TensorFlow starts
    names = ("(a) every frame, fer's detection settings", "(b) every frame, our video defaults",
             f"(b) every {args.every}th frame, our video defaults")
    fer, fps, boxes = [], {name: [] for name in names}, {}
    with tempfile.TemporaryDirectory() as tmp:
        clip = crossing_clip(Path(tmp) / "crossing.avi", 40 if args.quick else 150)
        same, default = pipelines()
        for _ in range(args.rounds or (1 if args.quick else 2)):  # alternating: load hits both alike
            fer.append(fer_fps(python, clip))
            for name, pipeline, every in zip(names, (same, default, default), (1, 1, args.every), strict=True):
                rate, boxes[name] = ours(pipeline, clip, every)
                fps[name].append(rate)
    print(f"haar, {len(boxes[names[0]])} frames of 640x400 with two faces, {len(fer)} round(s), load average "
          f"{os.getloadavg()[0]:.1f}: fer {max(fer):.1f} frames/s (best round)")
    for name in names:
        ratios = [mine / theirs for mine, theirs in zip(fps[name], fer, strict=True)]
        print(f"  {name:45s} ours {max(fps[name]):6.1f} frames/s (ours/fer x{max(fps[name]) / max(fer):.2f}; "
              f"per round x{min(ratios):.2f}-{max(ratios):.2f})")
    print(f"  reference boxes matched at IoU >= 0.5: by tracking (every {args.every}th) against detection on every "
          f"frame, our defaults: {agreement(boxes[names[1]], boxes[names[2]]):.1%}; by our defaults against "
          f"fer's settings, every frame: {agreement(boxes[names[0]], boxes[names[1]]):.1%}")


if __name__ == "__main__":
    main()
