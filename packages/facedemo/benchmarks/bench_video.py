"""Video pipeline: frames/s, tracking between detections against per-frame detection, and memory.

    .venv/bin/python packages/facedemo/benchmarks/bench_video.py [--quick]

On a generated clip of two real faces crossing (clips.py), with `mtl demo video`'s defaults
(faces from 48 px, one TensorFlow thread), it reports, per detector:
  * frames/s with detection on every frame, and with detection every K-th frame (tracking by
    template matching in between), and their ratio;
  * how often a box from the K-th-frame run lies within IoU 0.5 of the per-frame detection's box;
  * resident memory over a long clip (sampled every 50 frames): it must stay flat (streamed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from clips import crossing_clip, rss_mib  # noqa: E402

from facedemo import DemoSettings, FacePipeline, run_video  # noqa: E402
from facedemo.geometry import iou  # noqa: E402
from facedemo.runtime import limit_tf_threads  # noqa: E402
from facedemo.video import VIDEO_MIN_FACE  # noqa: E402


def timed_run(pipeline, clip: Path, detect_every: int) -> tuple[float, list[list[tuple]]]:
    """Frames/s (after a 3-frame warm-up) and the boxes of every frame."""
    boxes, start = [], None
    for i, result in enumerate(run_video(pipeline, str(clip), detect_every=detect_every)):
        if i == 3:
            start = time.perf_counter()
        boxes.append([f.box for f in result.prediction.faces])
    return (len(boxes) - 3) / (time.perf_counter() - start), boxes


def agreement(reference: list[list[tuple]], tracked: list[list[tuple]]) -> float:
    """Fraction of per-frame-detection boxes matched by a tracked box at IoU >= 0.5."""
    total = hits = 0
    for ref, got in zip(reference, tracked, strict=True):
        for box in ref:
            total += 1
            hits += any(iou(box, other) >= 0.5 for other in got)
    return hits / total if total else 0.0


def memory_profile(pipeline, clip: Path, detect_every: int) -> list[float]:
    samples = []
    for i, _ in enumerate(run_video(pipeline, str(clip), detect_every=detect_every)):
        if i % 50 == 0:
            samples.append(rss_mib())
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Short clips, Haar only.")
    parser.add_argument("--every", type=int, default=5, help="K of the detect-every-K run.")
    args = parser.parse_args(argv)
    frames, long_frames = (40, 250) if args.quick else (150, 900)
    memory_every = args.every if args.quick else 1
    detectors = ("haar",) if args.quick else ("haar", "mtcnn", "blazeface_full")
    limit_tf_threads()  # as `mtl demo video` does
    with tempfile.TemporaryDirectory() as tmp:
        clip = crossing_clip(Path(tmp) / "crossing.avi", frames)
        for name in detectors:
            pipeline = FacePipeline(DemoSettings(detector=name, min_face=VIDEO_MIN_FACE))  # `mtl demo video`'s
            every_fps, every_boxes = timed_run(pipeline, clip, 1)
            skip_fps, skip_boxes = timed_run(pipeline, clip, args.every)
            print(f"{name:6s} detect every frame: {every_fps:6.1f} frames/s; every {args.every}th: "
                  f"{skip_fps:6.1f} frames/s (x{skip_fps / every_fps:.2f}); boxes within IoU 0.5 of "
                  f"per-frame detection: {agreement(every_boxes, skip_boxes):.1%}")
        long_clip = crossing_clip(Path(tmp) / "long.avi", long_frames, passes=long_frames // 60)
        samples = memory_profile(FacePipeline(DemoSettings(detector="haar", min_face=VIDEO_MIN_FACE)), long_clip,
                                 memory_every)
        settled = samples[1:] or samples
        print(f"memory over {long_frames} frames (haar, detect every {memory_every}): {settled[0]:.0f} -> {settled[-1]:.0f} MiB "
              f"(growth {settled[-1] - settled[0]:+.0f} MiB, peak {max(samples):.0f} MiB)")


if __name__ == "__main__":
    main()
