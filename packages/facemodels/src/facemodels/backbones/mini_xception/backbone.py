"""mini-Xception trunk (Arriaga et al. 2017; spec 3.3), in the layout of the published FER2013 file.

Stem: two 3x3 valid convolutions with 8 filters (no bias), each BN + ReLU. Then four residual
modules (16, 32, 64, 128 filters): main path SepConv3x3-BN-ReLU-SepConv3x3-BN-MaxPool3x3/2,
shortcut 1x1 stride-2 conv + BN, summed. Output 4x4x128 at 64x64.

pitfalls.md: TF 2.21 with oneDNN crashes (SIGSEGV) in the backward pass of a 1x1 stride-2
convolution with < 16 input channels at this size, i.e. the first shortcut. A 1x1 convolution with
stride 2 only reads every other pixel, so we subsample first (`AveragePooling2D(1, strides=2)` is
an exact subsample) and convolve with stride 1: same result, same kernel shape (1, 1, C_in, C_out),
so the published weights load unchanged, and training no longer crashes.
"""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME, l2, register_backbone

MODULE_FILTERS = (16, 32, 64, 128)
# Keras' default BN momentum (0.99) needs thousands of steps before the moving statistics match
# the batch statistics; built-in CPU runs are a few hundred steps, after which inference (moving
# statistics) predicted a single class while training accuracy was high. 0.9 settles in ~50 steps
# and only affects training; the published weights load unchanged.
BN = {"momentum": 0.9}


def _shortcut(x, filters: int, block: int, strided: bool):
    if strided:  # the published layout (training crashes TF 2.21 with oneDNN on)
        x = keras.layers.Conv2D(filters, 1, strides=2, padding="same", use_bias=False,
                                name=f"block{block}_shortcut_conv")(x)
    else:  # subsample then 1x1 stride-1 conv == 1x1 stride-2 conv with "same" padding
        x = keras.layers.AveragePooling2D(1, strides=2, padding="same", name=f"block{block}_subsample")(x)
        x = keras.layers.Conv2D(filters, 1, use_bias=False, name=f"block{block}_shortcut_conv")(x)
    return keras.layers.BatchNormalization(**BN, name=f"block{block}_shortcut_bn")(x)


def _module(x, filters: int, block: int, weight_decay: float, strided: bool):
    shortcut = _shortcut(x, filters, block, strided)
    for index in (1, 2):
        if index == 2:
            x = keras.layers.Activation("relu", name=f"block{block}_sepconv1_relu")(x)
        x = keras.layers.SeparableConv2D(
            filters, 3, padding="same", use_bias=False, depthwise_regularizer=l2(weight_decay),
            pointwise_regularizer=l2(weight_decay), name=f"block{block}_sepconv{index}",
        )(x)
        x = keras.layers.BatchNormalization(**BN, name=f"block{block}_sepconv{index}_bn")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"block{block}_pool")(x)
    return keras.layers.Add(name=f"block{block}_add")([x, shortcut])


@register_backbone(
    "mini_xception",
    input_shape=(64, 64, 1),
    preprocess_name="xception",
    feature_dim=128,
    head="conv",
    neck="none",
    options={"strided_shortcut": False},
)
def build_mini_xception(
    input_shape: tuple[int, int, int], weight_decay: float = 0.0, strided_shortcut: bool = False
) -> keras.Model:
    """Features-only mini-Xception trunk (a 4x4x128 map at 64x64).

    `strided_shortcut=True` builds the published 1x1 stride-2 shortcuts instead (same weights);
    only for inference or with `TF_ENABLE_ONEDNN_OPTS=0`, since training it crashes TF 2.21.
    """
    inputs = keras.Input(input_shape, name="backbone_input")
    x = inputs
    for index in (1, 2):
        x = keras.layers.Conv2D(
            8, 3, use_bias=False, kernel_regularizer=l2(weight_decay), name=f"stem_conv{index}"
        )(x)
        x = keras.layers.BatchNormalization(**BN, name=f"stem_bn{index}")(x)
        x = keras.layers.Activation("relu", name=f"stem_relu{index}")(x)
    for block, filters in enumerate(MODULE_FILTERS, start=1):
        x = _module(x, filters, block, weight_decay, strided_shortcut)
    return keras.Model(inputs, x, name=BACKBONE_NAME)
