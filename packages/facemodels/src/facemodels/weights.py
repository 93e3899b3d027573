"""Loading weights from local files into a built model."""

from __future__ import annotations

from pathlib import Path

import tf_keras as keras

from facemodels.model_files import model_format
from facemodels.saving import load_model


def load_weights(model: keras.Model, path: str | Path) -> list[str]:
    """Loads weights from a local file into `model`.

    A `.keras` file (a whole saved model, e.g. a run's `model.keras`) contributes every layer
    whose name and weight shapes match, the nested trunk included; any other file is read with
    `model.load_weights` (tf-keras .h5 / .weights.h5 / checkpoint of the same architecture).

    Returns:
        The names of the layers that received weights.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: nothing in the file matches the model.
    """
    path = Path(path)
    if not path.exists() and not Path(f"{path}.index").exists():
        raise FileNotFoundError(f"weights file not found: {path}")
    if path.is_file() and model_format(path) == "keras_zip":
        source = load_model(path)  # refuses layers that carry code unless trusted
        copied = copy_matching_weights(source, model)
        if not copied:
            raise ValueError(f"{path}: no layer matches model {model.name!r} by name and shape")
        return copied
    model.load_weights(str(path))
    return [layer.name for layer in model.layers if layer.weights]


def copy_matching_weights(source: keras.Model, target: keras.Model) -> list[str]:
    """Copies weights layer by layer where names and shapes agree, recursing into nested models."""
    copied = []
    for layer in target.layers:
        try:
            other = source.get_layer(layer.name)
        except ValueError:
            continue
        if isinstance(layer, keras.Model) and isinstance(other, keras.Model):
            copied += [f"{layer.name}/{name}" for name in copy_matching_weights(other, layer)]
        elif layer.weights and _same_shapes(layer, other):
            layer.set_weights(other.get_weights())
            copied.append(layer.name)
    return copied


def _same_shapes(a: keras.layers.Layer, b: keras.layers.Layer) -> bool:
    shapes_a = [tuple(w.shape) for w in a.weights]
    shapes_b = [tuple(w.shape) for w in b.weights]
    return shapes_a == shapes_b
