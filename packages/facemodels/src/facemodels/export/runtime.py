"""Running an exported TFLite model by its signature (named task outputs, any batch size)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf


def _interpreter(path: Path) -> tf.lite.Interpreter:
    try:  # the LiteRT package replaces tf.lite.Interpreter when it is installed (pitfalls.md)
        from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-not-found]
    except ImportError:
        Interpreter = tf.lite.Interpreter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Interpreter(model_path=str(path))


def run_tflite(path: str | Path, images: np.ndarray) -> dict[str, np.ndarray]:
    """Runs the `serving_default` signature on a uint8 batch; returns {task: probabilities}."""
    runner = _interpreter(Path(path)).get_signature_runner("serving_default")
    return {name: np.asarray(value) for name, value in runner(images=np.asarray(images, np.uint8)).items()}
