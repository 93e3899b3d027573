"""Cross-stitch unit (Misra et al. 2016) between task heads, as in the original vggFace (spec 3.2).

The original concatenates the 128-d emotion and pose activations, multiplies by a trainable
256x256 matrix initialised to the identity, and splits the result back (dims 0..127 to emotion).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
import tf_keras as keras


@keras.saving.register_keras_serializable(package="facemodels")
class CrossStitch(keras.layers.Layer):
    """Mixes a list of per-task vectors with one trainable square matrix (identity at start)."""

    def build(self, input_shape: list[Any]) -> None:
        self.sizes = [int(shape[-1]) for shape in input_shape]
        total = sum(self.sizes)
        self.kernel = self.add_weight(
            name="kernel", shape=(total, total), initializer="identity", trainable=True
        )
        super().build(input_shape)

    def call(self, inputs: list[tf.Tensor]) -> list[tf.Tensor]:
        mixed = tf.matmul(tf.concat(inputs, axis=-1), self.kernel)
        return tf.split(mixed, self.sizes, axis=-1)

    def compute_output_shape(self, input_shape: list[Any]) -> list[tf.TensorShape]:
        return [tf.TensorShape(shape) for shape in input_shape]

    def get_config(self) -> dict[str, Any]:
        return super().get_config()
