"""Big photos: detection at a bounded working resolution keeps a 24-megapixel photo cheap.

    .venv/bin/python packages/facedemo/benchmarks/bench_image.py [--quick]

Times `FacePipeline.process` (detect, crop, predict) on the real portrait (clips.py) at its own
size (0.3 MP) and enlarged to 24 MP, with the default working resolution (longer side 1024) and,
without --quick, with detection at full size for comparison. Reports ratios to the small photo.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

import cv2  # noqa: E402
from clips import PHOTO  # noqa: E402

from facedemo import DemoSettings, FacePipeline, read_image  # noqa: E402


def seconds(pipeline, rgb, repeats: int) -> float:
    pipeline.process(rgb, "warm-up")
    start = time.perf_counter()
    for _ in range(repeats):
        faces = pipeline.process(rgb, "bench").faces
    assert faces, "the portrait's face was not found"
    return (time.perf_counter() - start) / repeats


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Haar only, no full-size detection.")
    args = parser.parse_args(argv)
    small = read_image(PHOTO)
    big = cv2.resize(small, (4520, 5300), interpolation=cv2.INTER_LINEAR)  # 24.0 MP, same aspect
    repeats = 2 if args.quick else 3
    for name in ("haar",) if args.quick else ("haar", "mtcnn", "blazeface_full"):
        bounded = FacePipeline(DemoSettings(detector=name))
        t_small, t_big = seconds(bounded, small, repeats), seconds(bounded, big, repeats)
        line = (f"{name:6s} 0.3 MP {t_small:.2f} s, 24 MP {t_big:.2f} s with detection at 1024 px "
                f"(x{t_big / t_small:.1f})")
        if not args.quick:
            full = FacePipeline(DemoSettings(detector=name, max_side=100_000), models=bounded.models)
            t_full = seconds(full, big, 1)
            line += f"; at full size {t_full:.2f} s (x{t_full / t_small:.1f})"
        print(line)


if __name__ == "__main__":
    main()
