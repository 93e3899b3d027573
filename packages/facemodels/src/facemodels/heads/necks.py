"""Necks: how a backbone's feature map becomes the shared vector that the heads read."""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones.base import l2
from facemodels.heads.base import HeadOptions
from faceschemas.registry import Registry

NECKS: Registry[Callable[[tf.Tensor, HeadOptions], tf.Tensor]] = Registry("neck")


@NECKS.register("gap")
def gap_neck(feature_map: tf.Tensor, options: HeadOptions) -> tf.Tensor:
    """Global average pooling (MobileNetV2 and ResNets, spec 3.4: no common_fc)."""
    return keras.layers.GlobalAveragePooling2D(name="shared_pool")(feature_map)


@NECKS.register("none")
def gap_features_neck(feature_map: tf.Tensor, options: HeadOptions) -> tf.Tensor:
    """mini_xception: the heads read the map itself; the GAP of the trunk is the feature vector
    (spec 3.3 [REC])."""
    return keras.layers.GlobalAveragePooling2D(name="shared_pool")(feature_map)


@NECKS.register("flatten_fc1024")
def vggface_neck(feature_map: tf.Tensor, options: HeadOptions) -> tf.Tensor:
    """vggFace (spec 3.2): Flatten -> common_fc Dense(1024, relu) -> [BN] -> ReLU -> [Dropout]."""
    x = keras.layers.Flatten(name="flatten")(feature_map)
    x = keras.layers.Dense(
        1024, activation="relu", kernel_regularizer=l2(options.weight_decay), name="common_fc"
    )(x)
    if options.batch_norm:
        x = keras.layers.BatchNormalization(name="common_bn")(x)
    x = keras.layers.ReLU(name="common_relu")(x)
    if options.dropout:
        x = keras.layers.Dropout(options.dropout_rate, name="common_dropout")(x)
    return x
