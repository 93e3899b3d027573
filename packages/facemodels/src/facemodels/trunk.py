"""Access to the nested backbone of a built model: freezing, listing layers, copying a trunk."""

from __future__ import annotations

import tf_keras as keras

from facemodels.backbones.base import BACKBONE_NAME


def get_trunk(model: keras.Model) -> keras.Model:
    """The nested features-only trunk (layer "backbone") of a model built by `build_model`."""
    try:
        return model.get_layer(BACKBONE_NAME)
    except ValueError:
        raise ValueError(f"model {model.name!r} has no {BACKBONE_NAME!r} layer; was it built by facemodels?") from None


def backbone_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer of the trunk, in order (for partial freezing schedules)."""
    return list(get_trunk(model).layers)


def set_backbone_trainable(model: keras.Model, trainable: bool) -> None:
    """Freezes or unfreezes the whole trunk (recompile afterwards, as Keras requires)."""
    get_trunk(model).trainable = trainable


def transfer_trunk(src_model: keras.Model, dst_model: keras.Model) -> None:
    """Copies the trunk weights of `src_model` into `dst_model` (init-from a previous run).

    Raises:
        ValueError: when the two trunks do not have the same weight shapes.
    """
    src, dst = get_trunk(src_model).get_weights(), get_trunk(dst_model)
    shapes = [w.shape for w in src], [tuple(w.shape) for w in dst.weights]
    if len(shapes[0]) != len(shapes[1]) or any(a != b for a, b in zip(*shapes, strict=False)):
        raise ValueError(
            f"trunks differ: {src_model.name!r} has {len(src)} weights, {dst_model.name!r} {len(dst.weights)}"
            " (or their shapes differ); transfer needs the same backbone and input channels"
        )
    dst.set_weights(src)
