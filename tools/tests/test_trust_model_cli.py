"""`mtl export` and `mtl eval` refuse model files whose layers carry code, unless --trust-model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages" / "facemodels" / "tests"))

from hostile_models import FORMATS, write_hostile  # noqa: E402


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_refuses_a_hostile_model_file(mtl_user_error, tmp_path, fmt):
    path, marker = write_hostile(fmt, tmp_path / "in")
    line = mtl_user_error("export", str(path), "--format", "savedmodel", "--out", str(tmp_path / "out"))
    assert "layer 'evil'" in line and "--trust-model" in line
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_eval_refuses_a_run_whose_model_is_hostile(mtl, mtl_user_error, tmp_path):
    from faceschemas.config import ExperimentConfig

    path, marker = write_hostile("hdf5", tmp_path / "run")  # HDF5 under the name model.keras
    path.rename(tmp_path / "run" / "model.keras")
    config = ExperimentConfig(method="stl", tasks=("emotion",), datasets={"emotion": "synth_expw"},
                              backbone="mini_xception")
    (tmp_path / "run" / "config.json").write_text(config.model_dump_json())
    line = mtl_user_error("eval", str(tmp_path / "run"), "--data-root", str(tmp_path))
    assert "layer 'evil'" in line and not marker.exists()
    trusted = mtl("eval", str(tmp_path / "run"), "--data-root", str(tmp_path), "--trust-model")
    assert marker.exists() and "layer 'evil'" not in trusted.stderr  # trusted: loads (then finds no data)
