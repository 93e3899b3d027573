"""Benchmark data: a folder of face-sized JPEGs with a labels.csv, as a user's raw data."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_raw_images(root: Path, count: int, size: int = 96, classes: int = 7, seed: int = 0) -> Path:
    """`count` structured random JPEGs under root/img plus root/labels.csv (path,emotion)."""
    rng = np.random.default_rng(seed)
    (root / "img").mkdir(parents=True, exist_ok=True)
    lines = ["path,emotion"]
    for i in range(count):
        base = rng.integers(0, 255, size=(12, 12, 3), dtype=np.uint8)
        image = cv2.resize(base, (size, size), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(root / "img" / f"{i:06d}.jpg"), image)
        lines.append(f"img/{i:06d}.jpg,{i % classes}")
    (root / "labels.csv").write_text("\n".join(lines) + "\n")
    return root
