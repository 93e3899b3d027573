"""Training speed of mini_xception: our crash-free shortcut with oneDNN on, against the other way
out of the TF 2.21 crash (pitfalls.md): the published stride-2 layout with oneDNN turned off.

Each side trains in its own process (oneDNN is chosen at import time). Prints
`BENCH mini_xception_train: <ratio>x (...)`, the ratio being ours / baseline images per second.

Usage: python bench_mini_xception_train.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

BATCH = 64


def _train(published: bool, steps: int) -> float:
    """Images per second of `steps` compiled training steps (after one warm-up step)."""
    import numpy as np

    import facemodels

    model = facemodels.build_model("mini_xception", "EP", strided_shortcut=published)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (BATCH, 64, 64, 1)).astype(np.float32)
    y = {"emotion": rng.integers(0, 7, BATCH), "pose": rng.integers(0, 5, BATCH)}
    model.train_on_batch(x, y)
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    return steps * BATCH / (time.perf_counter() - start)


def _child(mode: str, steps: int) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if mode == "published":
        env["TF_ENABLE_ONEDNN_OPTS"] = "0"  # without it this layout crashes (SIGSEGV)
    result = subprocess.run([sys.executable, __file__, "--child", mode, str(steps)], env=env,
                            capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(_train(argv[1] == "published", int(argv[2])))
        return
    steps = 5 if "--quick" in argv else 30
    ours, baseline = _child("ours", steps), _child("published", steps)
    print(f"BENCH mini_xception_train: {ours / baseline:.2f}x (ours, oneDNN on: {ours:.0f} img/s; "
          f"published layout, oneDNN off: {baseline:.0f} img/s; batch {BATCH}, {steps} steps)")


if __name__ == "__main__":
    main(sys.argv[1:])
