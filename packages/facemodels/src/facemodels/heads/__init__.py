"""Task heads on top of a backbone's features: necks, dense and conv heads, cross-stitch, regression,
LEL-LTN's label embedding and label transfer network."""

from __future__ import annotations

from facemodels.heads import conv, dense, necks  # noqa: F401  (registration side effects)
from facemodels.heads.base import HEADS, HeadOptions, TaskOutputs
from facemodels.heads.cross_stitch import CrossStitch
from facemodels.heads.label_transfer import add_transfer_networks, embedded_logits
from facemodels.heads.necks import NECKS
from facemodels.heads.regression import add_regression_heads, regression_targets

__all__ = [
    "HEADS",
    "NECKS",
    "CrossStitch",
    "HeadOptions",
    "TaskOutputs",
    "add_regression_heads",
    "add_transfer_networks",
    "embedded_logits",
    "regression_targets",
]
