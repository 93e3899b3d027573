"""TFLite export, float and int8 (post-training quantisation with a representative dataset).

Both take uint8 crops and return float32 probabilities; the int8 model quantises weights and
activations inside (tf.lite default optimisation with a representative dataset of synthetic
faces-sized images: gradients and noise over the full [0, 255] range, since no data ship here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import tensorflow as tf
import tf_keras as keras

from facemodels.export.base import EXPORTERS, serving_function

REPRESENTATIVE_SAMPLES = 32


def representative_images(shape: tuple[int, ...], count: int = REPRESENTATIVE_SAMPLES, seed: int = 0) -> np.ndarray:
    """`count` uint8 images of `shape` (H, W, C): half smooth gradients, half uniform noise."""
    rng = np.random.default_rng(seed)
    height, width, channels = shape
    ramp = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    images = []
    for index in range(count):
        if index % 2 == 0:
            low, high = sorted(rng.uniform(0, 255, 2))
            image = low + (high - low) * np.broadcast_to(ramp, (height, width, channels))
            image = np.rot90(image, k=index // 2 % 4) if height == width else image
        else:
            image = rng.uniform(0, 255, (height, width, channels))
        images.append(np.clip(image, 0, 255).astype(np.uint8))
    return np.stack(images)


def _converter(model: keras.Model) -> tf.lite.TFLiteConverter:
    serve = serving_function(model)
    return tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()], model)


def _write(data: bytes, out: Path) -> Path:
    out.write_bytes(data)
    return out


@EXPORTERS.register("tflite")
def export_tflite(model: keras.Model, out: Path) -> Path:
    """Float32 TFLite flatbuffer with a uint8 input."""
    return _write(_converter(model).convert(), out)


@EXPORTERS.register("tflite-int8")
def export_tflite_int8(model: keras.Model, out: Path) -> Path:
    """Int8-quantised TFLite flatbuffer (uint8 input, float32 probabilities out)."""
    converter = _converter(model)
    images = representative_images(tuple(model.input_shape[1:]))

    def samples() -> Iterator[list[np.ndarray]]:
        for image in images:
            yield [image[None]]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = samples
    return _write(converter.convert(), out)
