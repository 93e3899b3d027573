"""Model files whose layers carry Python code are refused before Keras reads them (any format).

Each hostile file holds a `Lambda` layer named `evil` whose function writes a marker file when
Keras rebuilds the model; the zip `.keras` is written the ordinary way (only its loader's safe
mode protects it), the HDF5 file is renamed `.keras` (tf-keras would pick its unsafe legacy loader
by the content), and the SavedModel carries the Lambda in keras_metadata.pb.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
import tf_keras as keras

sys.path.insert(0, str(Path(__file__).parent))
from hostile_models import FORMATS, write_hostile  # noqa: E402

import facemodels
from facemodels.model_files import UnsafeModelError, check_model_file, model_format
from facemodels.presets.fer2013 import verify_fer_file


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_file_is_refused_without_running_its_code(fmt, tmp_path):
    path, marker = write_hostile(fmt, tmp_path)
    assert model_format(path) == fmt
    with pytest.raises(UnsafeModelError) as refused:
        facemodels.load_model(path)
    message = str(refused.value)
    assert "'evil'" in message and "Lambda" in message and "--trust-model" in message
    assert len(message.splitlines()) == 1
    assert not marker.exists()


@pytest.mark.parametrize("fmt", ["keras_zip", "hdf5"])
def test_a_trusted_hostile_file_loads_and_runs_its_code(fmt, tmp_path):
    # Shows the hostile files are real: trusting one runs the Lambda, as the user asked.
    path, marker = write_hostile(fmt, tmp_path)
    with facemodels.trusted_models():
        facemodels.load_model(path)
    assert marker.exists()


def test_custom_classes_outside_the_toolkit_are_refused(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="plain")])
    model.save(tmp_path / "ok.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "ok.keras").read("config.json"))
    config["config"]["layers"][-1].update(class_name="Sneaky", module="evil_pkg.layers", registered_name=None)
    with zipfile.ZipFile(tmp_path / "ok.keras") as src, zipfile.ZipFile(tmp_path / "bad.keras", "w") as dst:
        for item in src.namelist():
            dst.writestr(item, json.dumps(config) if item == "config.json" else src.read(item))
    check_model_file(tmp_path / "ok.keras")
    with pytest.raises(UnsafeModelError, match="layer 'plain' has class 'Sneaky' from module 'evil_pkg.layers'"):
        facemodels.load_model(tmp_path / "bad.keras")


def test_savedmodel_without_keras_metadata_needs_trust(tmp_path):
    path, marker = write_hostile("savedmodel", tmp_path)
    (path / "keras_metadata.pb").unlink()
    with pytest.raises(UnsafeModelError, match="without keras_metadata.pb"):
        facemodels.load_model(path)
    assert not marker.exists()


def test_toolkit_models_load_in_every_format(tmp_path):
    model = facemodels.build_model("resnet18", "EP", input_shape=(32, 32), width=0.25, cross_stitch=True)
    model.save(tmp_path / "m.h5", save_format="h5")
    shutil.move(tmp_path / "m.h5", tmp_path / "renamed.keras")
    for path in (facemodels.save_model(model, tmp_path / "m.keras"), tmp_path / "renamed.keras",
                 facemodels.save_model(model, tmp_path / "sm")):
        assert facemodels.load_model(path).count_params() == model.count_params()


def test_not_a_model_file_is_one_line(tmp_path):
    (tmp_path / "notes.keras").write_text("hello")
    with pytest.raises(ValueError, match="not a model file"):
        facemodels.load_model(tmp_path / "notes.keras")


def test_fer_file_is_checked_against_its_pinned_sha256(tmp_path):
    fake = tmp_path / "fer.hdf5"
    fake.write_bytes(b"\x89HDF\r\n\x1a\nnot the published file")
    with pytest.raises(RuntimeError, match="is not the pinned"):
        verify_fer_file(fake)
    with pytest.raises(RuntimeError, match="is not the pinned"):
        facemodels.presets.fer2013.convert_fer_hdf5(fake)
