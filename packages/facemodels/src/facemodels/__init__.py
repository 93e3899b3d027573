"""tf-keras backbones, multi-task heads, pretrained presets and export for face attributes.

Every model takes raw pixels in [0, 255] at its backbone's input size; the backbone's own
preprocessing is the model's first layer (docs/interfaces.md).
"""

from __future__ import annotations

from facemodels.backbones import BACKBONE_NAME, BackboneSpec, get_backbone, list_backbones
from facemodels.builder import build_model
from facemodels.heads import CrossStitch
from facemodels.layers import LabelEmbedding, Preprocess, StopGradient, ToChannels
from facemodels.model_files import UnsafeModelError
from facemodels.saving import load_model, save_model, trusted_models
from facemodels.trunk import backbone_layers, get_trunk, set_backbone_trainable, transfer_trunk
from facemodels.weights import copy_matching_weights, load_weights

__version__ = "0.1.0"

__all__ = [
    "BACKBONE_NAME",
    "BackboneSpec",
    "CrossStitch",
    "LabelEmbedding",
    "Preprocess",
    "StopGradient",
    "ToChannels",
    "UnsafeModelError",
    "backbone_layers",
    "build_model",
    "copy_matching_weights",
    "get_backbone",
    "get_trunk",
    "list_backbones",
    "load_model",
    "load_weights",
    "save_model",
    "set_backbone_trainable",
    "transfer_trunk",
    "trusted_models",
]
