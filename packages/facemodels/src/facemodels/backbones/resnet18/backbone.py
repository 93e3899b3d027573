"""ResNet-18 trunk (He et al. 2016), basic blocks [2, 2, 2, 2], as used by the related PyTorch
project (spec 3.4). Convolutions without bias, each followed by BN: 11,176,512 trainable
parameters for 3 input channels (plus 9,600 BN moving statistics that Keras also counts).
"""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME, l2, register_backbone, scaled

STAGES = ((64, 1), (128, 2), (256, 2), (512, 2))
BN = {"epsilon": 1e-5, "momentum": 0.9}


def conv_bn(x, filters: int, kernel: int, stride: int, name: str, wd: float, bias: bool = False):
    """Conv (same padding) + BN, the unit both ResNets are made of."""
    x = keras.layers.Conv2D(
        filters, kernel, strides=stride, padding="same", use_bias=bias,
        kernel_regularizer=l2(wd), name=f"{name}_conv",
    )(x)
    return keras.layers.BatchNormalization(**BN, name=f"{name}_bn")(x)


def stem(inputs, wd: float, bias: bool, width: float = 1.0):
    """7x7/2 conv, BN, ReLU, 3x3/2 max-pool: the common ResNet stem."""
    x = conv_bn(inputs, scaled(64, width), 7, 2, "stem", wd, bias)
    x = keras.layers.ReLU(name="stem_relu")(x)
    return keras.layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)


def _basic_block(x, filters: int, stride: int, name: str, wd: float):
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = conv_bn(x, filters, 1, stride, f"{name}_down", wd)
    x = conv_bn(x, filters, 3, stride, f"{name}_1", wd)
    x = keras.layers.ReLU(name=f"{name}_1_relu")(x)
    x = conv_bn(x, filters, 3, 1, f"{name}_2", wd)
    x = keras.layers.Add(name=f"{name}_add")([shortcut, x])
    return keras.layers.ReLU(name=f"{name}_out")(x)


@register_backbone(
    "resnet18",
    input_shape=(112, 112, 3),
    preprocess_name="imagenet",
    feature_dim=512,
    head="dense",
    neck="gap",
    options={"width": 1.0},
)
def build_resnet18(
    input_shape: tuple[int, int, int], width: float = 1.0, weight_decay: float = 0.0
) -> keras.Model:
    """Features-only ResNet-18 trunk (stride 32 map with 512 channels at width 1).

    `width` scales every stage's filters (a reduced trunk for tests and small devices).
    """
    inputs = keras.Input(input_shape, name="backbone_input")
    x = stem(inputs, weight_decay, bias=False, width=width)
    for stage, (filters, stride) in enumerate(STAGES, start=2):
        for block in (1, 2):
            x = _basic_block(x, scaled(filters, width), stride if block == 1 else 1, f"conv{stage}_block{block}", weight_decay)
    return keras.Model(inputs, x, name=BACKBONE_NAME)
