"""Training augmentation as small tf ops (spec 2.5 [REC]): random horizontal flip, rotation
+-10 degrees, shift +-10 percent, scale 0.9-1.1. Never applied to evaluation data.

Randomness is stateless and seeded per element, so `deterministic=True` runs repeat exactly.
The random draws are per element (`augment_params`), the pixel work per batch
(`apply_augment`: one flip select and one projective warp for the whole batch); `augment` and
`augment_batch` give the same pixels as each other for the same per-element seeds.
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


def augment_params(seed: tf.Tensor, height, width) -> tuple[tf.Tensor, tf.Tensor]:
    """One element's draws from its stateless `seed` (shape [2]): (flip: bool, 8-number transform).

    The same draws as `tf.image.stateless_random_flip_left_right` on one image (a uniform < 0.5
    from the first split seed), then the affine matrix from the second.
    """
    seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), num=2)
    flip = tf.random.stateless_uniform([], seed=seeds[0], minval=0.0, maxval=1.0) < 0.5
    return flip, random_affine_matrix(seeds[1], height, width)


def apply_augment(images: tf.Tensor, flips: tf.Tensor, matrices: tf.Tensor) -> tf.Tensor:
    """Flips then warps a float32 batch [N, H, W, C] by per-image draws ([N] bool, [N, 8])."""
    images = tf.where(flips[:, None, None, None], tf.reverse(images, axis=[2]), images)
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=matrices, output_shape=tf.shape(images)[1:3],
        interpolation="BILINEAR", fill_mode="REFLECT", fill_value=0.0)
    return tf.reshape(out, tf.shape(images))


def augment_batch(images: tf.Tensor, seeds: tf.Tensor) -> tf.Tensor:
    """Augments a float32 batch [N, H, W, C]; image i as `augment(images[i], seeds[i])` would."""
    shape = tf.shape(images)
    flips, matrices = tf.map_fn(lambda s: augment_params(s, shape[1], shape[2]), seeds,
                                fn_output_signature=(tf.bool, tf.float32))
    return apply_augment(images, flips, matrices)


def augment(image: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
    """Augments one float32 HxWxC image with the stateless `seed` (shape [2], int)."""
    shape = tf.shape(image)
    flip, matrix = augment_params(seed, shape[0], shape[1])
    return apply_augment(image[None], flip[None], matrix[None])[0]
