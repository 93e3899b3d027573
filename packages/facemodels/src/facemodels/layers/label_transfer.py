"""Layers of LEL-LTN (Augenstein et al. 2018, arXiv 1802.09913; spec 7.3 [REC]).

`LabelEmbedding` holds the label embedding matrix E (one row per label of every task, all tasks
together) and turns each task's projected head vector h_t into logits h_t . E_t^T, where E_t are
the rows of that task's labels: tasks whose labels embed close together share evidence.
`StopGradient` passes its input through unchanged and blocks the gradient, so the label transfer
network (the MLP reading the other tasks' predicted distributions) cannot pull their heads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf
import tf_keras as keras


def _shapes(input_shape: Any) -> list:
    """The list of input shapes of a layer called on a list (or on one tensor)."""
    if isinstance(input_shape, list | tuple) and input_shape and isinstance(input_shape[0], list | tuple
                                                                              | tf.TensorShape):
        return list(input_shape)
    return [input_shape]


@keras.saving.register_keras_serializable(package="facemodels")
class LabelEmbedding(keras.layers.Layer):
    """Logits of several tasks from one shared label embedding matrix E [sum(label_counts), dim].

    Called on a list of [B, dim] vectors, one per task in the order of `label_counts`; returns a
    list of [B, label_counts[t]] logits, h_t . E_t^T.
    """

    def __init__(self, label_counts: Sequence[int], dim: int, embeddings_initializer: Any = "glorot_uniform",
                 embeddings_regularizer: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label_counts = [int(c) for c in label_counts]
        if not self.label_counts or min(self.label_counts) < 1 or int(dim) < 1:
            raise ValueError(f"LabelEmbedding needs positive label counts and dim, got {label_counts}, {dim}")
        self.dim = int(dim)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.embeddings_regularizer = keras.regularizers.get(embeddings_regularizer)

    def build(self, input_shape: Any) -> None:
        shapes = _shapes(input_shape)
        if len(shapes) != len(self.label_counts):
            raise ValueError(f"LabelEmbedding expects {len(self.label_counts)} inputs, got {len(shapes)}")
        for shape in shapes:
            if int(tf.TensorShape(shape)[-1]) != self.dim:
                raise ValueError(f"LabelEmbedding inputs must have {self.dim} features, got {tuple(shape)}")
        self.embeddings = self.add_weight(
            name="embeddings", shape=(sum(self.label_counts), self.dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer, trainable=True,
        )
        super().build(input_shape)

    def call(self, inputs: Any) -> list[tf.Tensor]:
        rows = tf.split(self.embeddings, self.label_counts, axis=0)
        return [tf.matmul(h, e, transpose_b=True) for h, e in zip(tf.nest.flatten(inputs), rows, strict=True)]

    def compute_output_shape(self, input_shape: Any) -> list[tf.TensorShape]:
        shapes = _shapes(input_shape)
        return [tf.TensorShape(s)[:-1].concatenate([c]) for s, c in zip(shapes, self.label_counts, strict=True)]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(), "label_counts": list(self.label_counts), "dim": self.dim,
            "embeddings_initializer": keras.initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": keras.regularizers.serialize(self.embeddings_regularizer)
            if self.embeddings_regularizer is not None else None,
        }


@keras.saving.register_keras_serializable(package="facemodels")
class StopGradient(keras.layers.Layer):
    """Identity in the forward pass, zero gradient in the backward pass (tf.stop_gradient)."""

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        return tf.stop_gradient(inputs)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return super().get_config()
