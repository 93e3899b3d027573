"""Custom tf-keras layers of facemodels; each is registered for saving under package "facemodels"."""

from __future__ import annotations

from facemodels.layers.channels import ToChannels
from facemodels.layers.label_transfer import LabelEmbedding, StopGradient
from facemodels.layers.preprocess import Preprocess

__all__ = ["LabelEmbedding", "Preprocess", "StopGradient", "ToChannels"]
