"""`Preprocess`: the backbone's own preprocessing as the first layer of every model."""

from __future__ import annotations

from typing import Any

import tensorflow as tf
import tf_keras as keras

from facemodels.preprocessing import get_preprocess


@keras.saving.register_keras_serializable(package="facemodels")
class Preprocess(keras.layers.Layer):
    """Applies a registered preprocessing function (by name) to raw pixels in [0, 255]."""

    def __init__(self, mode: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode = mode
        self._fn = get_preprocess(mode)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        return self._fn(tf.cast(inputs, tf.float32))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode}
