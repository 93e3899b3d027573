"""Offline face-attribute demo: detect, crop, predict every task, draw; images, folders, video, webcam.

    from facedemo import DemoSettings, FacePipeline, read_image
    pipeline = FacePipeline(DemoSettings(detector="mtcnn"))       # FER2013 emotion by default
    prediction = pipeline.process(read_image("photo.jpg"), "photo.jpg")   # a faceschemas Prediction
"""

from __future__ import annotations

from facedemo.batch import ImageResult, annotate_file, annotate_files, annotate_parallel, face_lines
from facedemo.detectors import DETECTORS, Detection, detect_faces, get_detector
from facedemo.draw import draw
from facedemo.errors import BadInputError
from facedemo.images import decode_image, list_images, read_image, write_image
from facedemo.models import DEFAULT_PRESET, FaceModel, ModelError, load_face_model
from facedemo.pipeline import FacePipeline
from facedemo.settings import DemoSettings
from facedemo.tracking import IouTracker
from facedemo.video import FrameResult, run_video

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PRESET",
    "DETECTORS",
    "BadInputError",
    "DemoSettings",
    "Detection",
    "FaceModel",
    "FacePipeline",
    "FrameResult",
    "ImageResult",
    "IouTracker",
    "ModelError",
    "annotate_file",
    "annotate_files",
    "annotate_parallel",
    "decode_image",
    "detect_faces",
    "draw",
    "face_lines",
    "get_detector",
    "list_images",
    "load_face_model",
    "read_image",
    "run_video",
    "write_image",
]
