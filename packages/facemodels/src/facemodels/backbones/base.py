"""The backbone description (`BackboneSpec`) and the registry every backbone folder adds itself to."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

import tf_keras as keras

from facemodels.preprocessing import get_preprocess
from faceschemas.registry import Registry

TrunkBuilder = Callable[..., keras.Model]

#: Name of the nested trunk model inside every multi-task model (freezing, init-from, transfer).
BACKBONE_NAME = "backbone"


@dataclasses.dataclass(frozen=True)
class BackboneSpec:
    """What the builder, trainer and demo need to know about one backbone.

    Attributes:
        name: Registry name.
        input_shape: Default (H, W, C) of raw pixels.
        preprocess_name: Name of the preprocessing function (`facemodels.preprocessing`).
        feature_dim: Size of the shared feature vector the task heads read.
        head: "dense" (spec 3.2 heads on a pooled vector) or "conv" (mini_xception, spec 3.3).
        neck: How the trunk's map becomes the shared vector: "gap", "flatten_fc1024" or "none".
        build_trunk: `build_trunk(input_shape, weight_decay=0.0, **options)` -> features-only
            keras.Model taking *preprocessed* pixels.
        options: Default builder options (e.g. MobileNetV2 `alpha`).
    """

    name: str
    input_shape: tuple[int, int, int]
    preprocess_name: str
    feature_dim: int
    head: Literal["dense", "conv"]
    neck: Literal["gap", "flatten_fc1024", "none"]
    build_trunk: TrunkBuilder
    options: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def preprocess(self) -> Callable[[Any], Any]:
        """The preprocessing function (numpy or tf, raw [0, 255] pixels in)."""
        return get_preprocess(self.preprocess_name)

    @property
    def channels(self) -> int:
        return self.input_shape[-1]

    def build(self, input_shape: tuple[int, int, int] | None = None, **options: Any) -> keras.Model:
        """Builds the features-only trunk (a nested keras.Model called "backbone")."""
        merged = {**self.options, **options}
        return self.build_trunk(tuple(input_shape or self.input_shape), **merged)


BACKBONES: Registry[BackboneSpec] = Registry("backbone")


def register_backbone(name: str, **fields: Any) -> Callable[[TrunkBuilder], TrunkBuilder]:
    """Decorator registering a trunk builder function with its `BackboneSpec` fields."""

    def wrap(build_trunk: TrunkBuilder) -> TrunkBuilder:
        BACKBONES.add(name, BackboneSpec(name=name, build_trunk=build_trunk, **fields))
        return build_trunk

    return wrap


def l2(weight_decay: float) -> keras.regularizers.Regularizer | None:
    """An L2 kernel penalty when `weight_decay` > 0 (spec 3.5: the original one had no effect)."""
    return keras.regularizers.L2(weight_decay) if weight_decay > 0 else None


def scaled(filters: int, width: float) -> int:
    """Filters of a layer under a width multiplier, at least 8."""
    return max(8, int(round(filters * width)))
