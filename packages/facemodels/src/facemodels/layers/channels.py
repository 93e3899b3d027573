"""`ToChannels`: lets a grey backbone take RGB crops and an RGB backbone take grey ones."""

from __future__ import annotations

from typing import Any

import tensorflow as tf
import tf_keras as keras

# ITU-R BT.601 luma weights, the ones OpenCV's cvtColor(RGB2GRAY) uses, so a model fed RGB sees
# the same grey image as one fed the dataset's grey version.
LUMA_RGB = (0.299, 0.587, 0.114)


@keras.saving.register_keras_serializable(package="facemodels")
class ToChannels(keras.layers.Layer):
    """Converts raw pixels to `channels` channels: RGB->grey by luma, grey->RGB by repetition."""

    def __init__(self, channels: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if channels not in (1, 3):
            raise ValueError(f"ToChannels supports 1 or 3 channels, not {channels}")
        self.channels = channels

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        x = tf.cast(inputs, tf.float32)
        have = x.shape[-1]
        if have == self.channels:
            return x
        if self.channels == 1 and have == 3:
            return tf.reduce_sum(x * tf.constant(LUMA_RGB, tf.float32), axis=-1, keepdims=True)
        if self.channels == 3 and have == 1:
            return tf.repeat(x, 3, axis=-1)
        raise ValueError(f"cannot convert {have} channels to {self.channels}")

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)[:-1].concatenate([self.channels])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "channels": self.channels}
