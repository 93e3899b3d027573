"""Contracts of the face multi-task toolkit: pydantic only, no framework.

Every other package depends on this one and on nothing else of the toolkit by default.
"""

from faceschemas.config import ExperimentConfig
from faceschemas.flags import ConfigError, Resolution, method_presets, resolve
from faceschemas.manifest import DatasetManifest, ImageSpec, ShardInfo, SplitStats
from faceschemas.prediction import FacePrediction, Prediction, TaskPrediction
from faceschemas.record import MISSING_LABEL, RECORD_FEATURES, CanonicalRecord, FaceBox
from faceschemas.report import RunReport, TaskMetrics
from faceschemas.tasks import TASKS, TaskSpec, get_task, parse_tasks, task_letters, yaw_to_bin

__version__ = "0.1.0"

__all__ = [
    "MISSING_LABEL", "RECORD_FEATURES", "TASKS", "CanonicalRecord", "ConfigError", "method_presets",
    "DatasetManifest", "ExperimentConfig", "FaceBox", "FacePrediction", "ImageSpec", "Prediction",
    "Resolution", "RunReport", "ShardInfo", "SplitStats", "TaskMetrics", "TaskPrediction", "TaskSpec",
    "get_task", "parse_tasks", "resolve", "task_letters", "yaw_to_bin",
]
