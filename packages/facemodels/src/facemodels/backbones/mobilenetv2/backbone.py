"""MobileNetV2 trunk (Sandler et al. 2018, "Inverted Residuals and Linear Bottlenecks"; spec 3.4).

Stem conv 3x3/2, then the 17 inverted-residual blocks of Table 2 (expansion t, channels c,
repeats n, first stride s), then a 1x1 conv to 1280 channels. Width multiplier `alpha` scales the
channels, rounded to multiples of 8 as in the paper's reference code. 2,257,984 parameters at
alpha 1.0 without the classifier.
"""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME, l2, register_backbone

# (t, c, n, s) rows of Table 2.
BLOCKS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
# Keras applications' momentum 0.999 suits ImageNet-length training; in the MTL-against-STL
# suite's 8 epochs (~800 steps) the moving statistics kept half their initial values and the
# validation answers were one class per task (emotion 18.5 %, gender 50.3 % for 3 epochs while the
# loss fell). 0.9 (PyTorch's 0.1, as the related project's torchvision model trains) settles in
# ~50 steps; it only affects training.
BN = {"epsilon": 1e-3, "momentum": 0.9}


def make_divisible(value: float, divisor: int = 8) -> int:
    """Rounds channels to a multiple of `divisor`, never more than 10% below `value`."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _conv_bn(x, filters: int, kernel: int, stride: int, name: str, wd: float, relu: bool = True):
    x = keras.layers.Conv2D(
        filters, kernel, strides=stride, padding="same", use_bias=False,
        kernel_regularizer=l2(wd), name=f"{name}_conv",
    )(x)
    x = keras.layers.BatchNormalization(**BN, name=f"{name}_bn")(x)
    return keras.layers.ReLU(6.0, name=f"{name}_relu")(x) if relu else x


def _inverted_residual(x, expansion: int, filters: int, stride: int, name: str, wd: float):
    inputs, channels = x, x.shape[-1]
    if expansion != 1:
        x = _conv_bn(x, channels * expansion, 1, 1, f"{name}_expand", wd)
    x = keras.layers.DepthwiseConv2D(
        3, strides=stride, padding="same", use_bias=False, depthwise_regularizer=l2(wd),
        name=f"{name}_depthwise",
    )(x)
    x = keras.layers.BatchNormalization(**BN, name=f"{name}_depthwise_bn")(x)
    x = keras.layers.ReLU(6.0, name=f"{name}_depthwise_relu")(x)
    # Linear bottleneck: no activation after the projection (paper section 3.2).
    x = _conv_bn(x, filters, 1, 1, f"{name}_project", wd, relu=False)
    if stride == 1 and channels == filters:
        x = keras.layers.Add(name=f"{name}_add")([inputs, x])
    return x


@register_backbone(
    "mobilenetv2",
    input_shape=(96, 96, 3),
    preprocess_name="mobilenet",
    feature_dim=1280,
    head="dense",
    neck="gap",
    options={"alpha": 1.0},
)
def build_mobilenetv2(
    input_shape: tuple[int, int, int], alpha: float = 1.0, weight_decay: float = 0.0
) -> keras.Model:
    """Features-only MobileNetV2 trunk with width multiplier `alpha`."""
    inputs = keras.Input(input_shape, name="backbone_input")
    x = _conv_bn(inputs, make_divisible(32 * alpha), 3, 2, "stem", weight_decay)
    index = 0
    for expansion, channels, repeats, stride in BLOCKS:
        for repeat in range(repeats):
            x = _inverted_residual(
                x, expansion, make_divisible(channels * alpha), stride if repeat == 0 else 1,
                f"block{index}", weight_decay,
            )
            index += 1
    # The last conv keeps 1280 channels for alpha <= 1 (paper's reference implementation).
    x = _conv_bn(x, make_divisible(1280 * alpha) if alpha > 1.0 else 1280, 1, 1, "top", weight_decay)
    return keras.Model(inputs, x, name=BACKBONE_NAME)


def feature_dim(alpha: float) -> int:
    """Width of the pooled feature vector for a width multiplier."""
    return make_divisible(1280 * alpha) if alpha > 1.0 else 1280
