"""Loading the models the demo asks, and predicting every face of an image in one compiled call.

A model is a run folder (with `model.keras` and `config.json`), a `.keras` file, a SavedModel
folder, or a preset name (`mtl models list`); `facemodels.load_model` loads the first three. Every
facemodels model takes raw pixels in [0, 255] at its input size and channels and preprocesses
them in its first layer, so the demo only resizes (docs/interfaces.md).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import cv2
import numpy as np

from faceschemas.layouts import RunLayout
from faceschemas.tasks import TASKS

DEFAULT_PRESET = "mini_xception_fer2013"
SYNTHETIC_PREFIX = "synth_"


class ModelError(ValueError):
    """A model that cannot be loaded or used by the demo (one line)."""


@dataclasses.dataclass
class FaceModel:
    """A loaded model, what it answers, and one compiled function over a batch of face crops.

    Attributes:
        name: how answers name it (preset name, run folder name or file name).
        tasks: the task outputs it has, in canonical order.
        size: (width, height) of its input; channels: 1 (grey) or 3 (RGB).
        synthetic: trained on the built-in synthetic benchmark (`synth_*` datasets).
    """

    name: str
    keras_model: object
    tasks: tuple[str, ...]
    size: tuple[int, int]
    channels: int
    synthetic: bool = False

    def __post_init__(self) -> None:
        import tensorflow as tf

        model, tasks = self.keras_model, self.tasks
        spec = tf.TensorSpec([None, self.size[1], self.size[0], self.channels], tf.float32)

        # One trace for any number of faces: every face of an image or frame goes in one call,
        # never `model.predict` per face (about 100x slower for a handful of crops).
        @tf.function(input_signature=[spec])
        def probabilities(images):
            outputs = model(images, training=False)
            return {task: outputs[task] for task in tasks}

        self._probabilities = probabilities
        # Calling the traced graph directly skips tf.function's argument binding on every call
        # (measured 0.6 ms against 0.2 ms per call for a trivial function): a tenth of a frame.
        self._graph = probabilities.get_concrete_function()
        self._to_tensor = tf.convert_to_tensor

    def prepare(self, rgb_crop: np.ndarray) -> np.ndarray:
        """A crop at this model's size as (H, W, channels) raw pixels (grey by BT.601 luma)."""
        if self.channels == 1:
            return cv2.cvtColor(rgb_crop, cv2.COLOR_RGB2GRAY)[:, :, None]
        return rgb_crop

    def predict(self, crops: np.ndarray) -> dict[str, np.ndarray]:
        """Probabilities per task, (N, classes), for a batch (N, H, W, channels) of raw crops."""
        outputs = self._graph(self._to_tensor(np.asarray(crops, np.float32)))
        return {task: value.numpy() for task, value in outputs.items()}


def load_face_model(ref: str | Path, models_dir: str | Path | None = None, trust: bool = False) -> FaceModel:
    """Loads the model named by `ref` (see the module docstring); presets are fetched if missing.

    `trust` loads files whose layers carry Python code (facemodels refuses them otherwise).

    Raises:
        ModelError: not found, not loadable, or without any task output the demo knows.
    """
    from facemodels import load_model
    from facemodels.presets import PRESETS, fetch_preset

    path, name = Path(ref), Path(ref).name
    if str(ref) in PRESETS and not path.exists():
        try:
            path, name = fetch_preset(str(ref), models_dir), str(ref)
        except (OSError, RuntimeError, ValueError) as err:
            raise ModelError(f"{ref}: cannot fetch the preset ({_first_line(err)})") from None
    if not path.exists():
        raise ModelError(f"{ref}: no such model file or folder, and not a preset "
                         f"(known presets: {', '.join(PRESETS.names())})")
    try:
        keras_model = load_model(path, trust=True) if trust else load_model(path)
    except Exception as err:  # a hostile or broken file may raise anything: one line, go on
        raise ModelError(f"{ref}: cannot load a model ({_first_line(err)})") from None
    return _describe(keras_model, name, is_synthetic(path))


def _describe(keras_model, name: str, synthetic: bool) -> FaceModel:
    shape = tuple(getattr(keras_model, "input_shape", ()) or ())
    if len(shape) != 4 or shape[1] is None or shape[2] is None or shape[3] not in (1, 3):
        raise ModelError(f"{name}: input shape {shape} is not a batch of (H, W, 1 or 3) images")
    names = list(getattr(keras_model, "output_names", None) or [])
    if not names and isinstance(getattr(keras_model, "output", None), dict):
        names = list(keras_model.output)
    tasks = tuple(t for t in TASKS if t in names and _classes(keras_model, t) in (None, TASKS[t].num_classes))
    if not tasks:
        raise ModelError(f"{name}: no task output among {names or 'its outputs'} "
                         f"(expected some of {', '.join(TASKS)})")
    return FaceModel(name, keras_model, tasks, (int(shape[2]), int(shape[1])), int(shape[3]), synthetic)


def _classes(keras_model, task: str) -> int | None:
    # A head with another label space (e.g. FER+'s 8 emotions) is not the canonical task: skipped.
    outputs = getattr(keras_model, "output", None)
    try:
        return int(outputs[task].shape[-1]) if isinstance(outputs, dict) else None
    except (TypeError, ValueError, KeyError):
        return None


def is_synthetic(path: str | Path) -> bool:
    """True when the run config beside `path` trained on `synth_*` datasets only (or any)."""
    path = Path(path)
    for folder in (path, path.parent) if path.is_dir() else (path.parent,):
        config = folder / RunLayout.CONFIG
        if config.is_file():
            try:
                datasets = json.loads(config.read_text()).get("datasets") or {}
            except (OSError, ValueError, AttributeError):
                return False
            values = datasets.values() if isinstance(datasets, dict) else datasets
            return any(Path(str(v)).name.startswith(SYNTHETIC_PREFIX) for v in values)
    return False


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
