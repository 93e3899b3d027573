"""Seeding and determinism (spec pitfalls: set_random_seed + op determinism are bit-exact on CPU)."""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras


def configure(seed: int, deterministic: bool = False) -> None:
    """Seeds Python, NumPy and TF; call before building the model.

    Keras layers then draw randomness (Dropout) from `tf.random.Generator` variables that live in
    the model and so travel with its checkpoint, which keeps a resumed run exact.
    """
    keras.backend.experimental.enable_tf_random_generator()
    keras.utils.set_random_seed(seed)
    tf.random.set_global_generator(tf.random.Generator.from_seed(seed))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
