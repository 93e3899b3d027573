"""Export of multi-task models: SavedModel, TFLite (float) and TFLite int8, with a uint8 signature."""

from __future__ import annotations

from facemodels.export import savedmodel, tflite  # noqa: F401  (registration side effects)
from facemodels.export.base import EXPORTERS, export_model, serving_function, task_outputs

__all__ = ["EXPORTERS", "export_model", "serving_function", "task_outputs"]
