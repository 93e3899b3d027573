"""ResNet-50 trunk (He et al. 2016), bottleneck blocks [3, 4, 6, 3] (spec 3.4).

Laid out like the Keras reference ResNet50 (v1: stride on the first 1x1 convolution, biases on
every convolution, BN epsilon 1.001e-5), whose no-top model has 23,587,712 parameters.
"""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME, register_backbone, scaled
from facemodels.backbones.resnet18.backbone import conv_bn, stem

STAGES = ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))


def _bottleneck(x, filters: int, stride: int, name: str, wd: float):
    shortcut = x
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = conv_bn(x, 4 * filters, 1, stride, f"{name}_0", wd, bias=True)
    x = conv_bn(x, filters, 1, stride, f"{name}_1", wd, bias=True)
    x = keras.layers.ReLU(name=f"{name}_1_relu")(x)
    x = conv_bn(x, filters, 3, 1, f"{name}_2", wd, bias=True)
    x = keras.layers.ReLU(name=f"{name}_2_relu")(x)
    x = conv_bn(x, 4 * filters, 1, 1, f"{name}_3", wd, bias=True)
    x = keras.layers.Add(name=f"{name}_add")([shortcut, x])
    return keras.layers.ReLU(name=f"{name}_out")(x)


@register_backbone(
    "resnet50",
    input_shape=(112, 112, 3),
    preprocess_name="imagenet",
    feature_dim=2048,
    head="dense",
    neck="gap",
    options={"width": 1.0},
)
def build_resnet50(
    input_shape: tuple[int, int, int], width: float = 1.0, weight_decay: float = 0.0
) -> keras.Model:
    """Features-only ResNet-50 trunk (stride 32 map with 2048 channels at width 1).

    `width` scales every stage's filters (a reduced trunk for tests and small devices).
    """
    inputs = keras.Input(input_shape, name="backbone_input")
    x = stem(inputs, weight_decay, bias=True, width=width)
    for stage, (filters, blocks, stride) in enumerate(STAGES, start=2):
        for block in range(1, blocks + 1):
            x = _bottleneck(x, scaled(filters, width), stride if block == 1 else 1, f"conv{stage}_block{block}", weight_decay)
    return keras.Model(inputs, x, name=BACKBONE_NAME)
