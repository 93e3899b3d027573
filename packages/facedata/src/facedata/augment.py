"""Training augmentation as small tf ops (spec 2.5 [REC]): random horizontal flip, rotation
+-10 degrees, shift +-10 percent, scale 0.9-1.1. Never applied to evaluation data.

Randomness is stateless and seeded per element, so `deterministic=True` runs repeat exactly.
"""

from __future__ import annotations

import math

import tensorflow as tf

MAX_ROTATION_DEGREES = 10.0
MAX_SHIFT = 0.1
SCALE_RANGE = (0.9, 1.1)


def random_affine_matrix(seed: tf.Tensor, height: tf.Tensor, width: tf.Tensor) -> tf.Tensor:
    """The 8-number projective transform (output -> input pixel) of a random rotation, shift, scale."""
    u = tf.random.stateless_uniform([4], seed=seed, minval=-1.0, maxval=1.0)
    angle = u[0] * MAX_ROTATION_DEGREES * math.pi / 180.0
    lo, hi = SCALE_RANGE
    scale = lo + (u[1] + 1.0) / 2.0 * (hi - lo)
    h, w = tf.cast(height, tf.float32), tf.cast(width, tf.float32)
    dx, dy = u[2] * MAX_SHIFT * w, u[3] * MAX_SHIFT * h
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    cx, cy = (w - 1.0) / 2.0, (h - 1.0) / 2.0
    # Inverse map about the centre: x_in = R^-1/s (x_out - c - d) + c.
    a0, a1 = cos, sin
    b0, b1 = -sin, cos
    a2 = cx - a0 * (cx + dx) - a1 * (cy + dy)
    b2 = cy - b0 * (cx + dx) - b1 * (cy + dy)
    return tf.stack([a0, a1, a2, b0, b1, b2, 0.0, 0.0])


def augment(image: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """Augments one float32 HxWxC image with the stateless `seed` (shape [2], int)."""
    seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), num=2)
    image = tf.image.stateless_random_flip_left_right(image, seed=seeds[0])
    shape = tf.shape(image)
    matrix = random_affine_matrix(seeds[1], shape[0], shape[1])
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=image[None], transforms=matrix[None], output_shape=shape[:2],
        interpolation="BILINEAR", fill_mode="REFLECT", fill_value=0.0)
    return tf.reshape(out[0], tf.shape(image))
