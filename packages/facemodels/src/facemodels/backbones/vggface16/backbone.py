"""VGG16 convolutional trunk in the VGG-Face layout (Parkhi et al. 2015; spec 3.2).

Thirteen 3x3 convolutions in five blocks, each block closed by a 2x2 max-pool, up to `pool5`
(7x7x512 at 224x224). Layer names follow keras-vggface (conv1_1 ... conv5_3, pool1 ... pool5) so
that a local VGG-Face weight file can be loaded by name.
"""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME, l2, register_backbone, scaled

# (number of convolutions, filters) per block of VGG16 (Simonyan & Zisserman 2015, config D).
BLOCKS = ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512))


@register_backbone(
    "vggface16",
    input_shape=(224, 224, 3),
    preprocess_name="vggface",
    feature_dim=1024,
    head="dense",
    neck="flatten_fc1024",
    options={"width": 1.0},
)
def build_vggface16(
    input_shape: tuple[int, int, int], width: float = 1.0, weight_decay: float = 0.0
) -> keras.Model:
    """Features-only VGG16 trunk (14,714,688 parameters for 3 input channels at width 1).

    `width` scales every block's filters (a reduced trunk for tests and small devices).
    """
    inputs = keras.Input(input_shape, name="backbone_input")
    x = inputs
    for block, (convs, filters) in enumerate(BLOCKS, start=1):
        for index in range(1, convs + 1):
            x = keras.layers.Conv2D(
                scaled(filters, width), 3, padding="same", activation="relu",
                kernel_regularizer=l2(weight_decay), name=f"conv{block}_{index}",
            )(x)
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"pool{block}")(x)
    return keras.Model(inputs, x, name=BACKBONE_NAME)
