"""The serving signature shared by every export format, and the exporter registry.

Signature `serving_default`: `images` = a batch of uint8 face crops (N, H, W, C) at the model's
input size; returns `{task: probabilities}` for every task of the model (not logits or features).
The model's first layer does the preprocessing, so the export needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tensorflow as tf
import tf_keras as keras

from faceschemas.registry import Registry
from faceschemas.tasks import TASKS

Exporter = Callable[[keras.Model, Path], Path]
EXPORTERS: Registry[Exporter] = Registry("export format")


def task_outputs(model: keras.Model) -> list[str]:
    """The model's outputs that are task probabilities (keys that are task names)."""
    return [name for name in model.output_names if name in TASKS]


def serving_function(model: keras.Model) -> tf.types.experimental.GenericFunction:
    """A tf.function from uint8 crops to every task's probabilities (float32)."""
    shape = model.input_shape
    tasks = task_outputs(model)

    @tf.function(input_signature=[tf.TensorSpec((None, *shape[1:]), tf.uint8, name="images")])
    def serve(images: tf.Tensor) -> dict[str, tf.Tensor]:
        outputs = model(tf.cast(images, tf.float32), training=False)
        return {task: outputs[task] for task in tasks}

    return serve


def export_model(model: keras.Model, out: str | Path, fmt: str) -> Path:
    """Exports `model` to `out` in format `fmt` (`EXPORTERS.names()`); returns the written path."""
    exporter = EXPORTERS.get(fmt)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return exporter(model, out)
