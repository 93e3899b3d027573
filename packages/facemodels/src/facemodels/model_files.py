"""What a model file is, and whether loading it could run Python code from the file.

Keras turns a saved `Lambda` (and any layer whose config holds a marshalled function) back into
Python bytecode and runs it while the model is rebuilt; the zip `.keras` loader refuses that in
safe mode, but the HDF5 and SavedModel loaders do not, and tf-keras picks the loader by the file
name. So the format is read from the content (zip or HDF5 magic bytes, a folder with
`saved_model.pb`), and the architecture is inspected as plain JSON, without deserialising
anything, before Keras sees the file:

- zip `.keras`: `config.json` inside the archive;
- HDF5: the `model_config` attribute, read with h5py;
- SavedModel: `keras_metadata.pb` (the JSON config of every saved Keras object, which is what
  tf-keras rebuilds the layers from); a SavedModel without it would be rebuilt from metadata
  that cannot be checked the same way, so it is refused unless the user trusts it.

A layer is refused when it is a `Lambda`, when its config carries a serialised function
(`function_type: lambda`, `__lambda__`, a `function` object from outside Keras), or when its
class is neither a built-in tf-keras class nor one of the toolkit's registered layers
(`facemodels>...`).
"""

from __future__ import annotations

import functools
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from faceschemas.layouts import KerasFileLayout

ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
SAVED_MODEL_FILE = KerasFileLayout.SAVED_MODEL
KERAS_METADATA_FILE = KerasFileLayout.KERAS_METADATA
CODE_CLASSES = frozenset({"Lambda", "__lambda__"})
# Models and the plain data records of a config (shapes, specs) that tf-keras rebuilds by name.
CONTAINER_CLASSES = frozenset({"Functional", "Model", "Sequential", "__tuple__", "TensorShape", "TypeSpec",
                               "InputSpec"})
SAFE_MODULE_PREFIXES = ("keras", "tf_keras", "facemodels")
TRUST_HINT = "pass --trust-model only if you trust where the file comes from"


class UnsafeModelError(ValueError):
    """Loading the model file could run Python code from the file (or its content is unknown)."""


def model_format(path: str | Path) -> str:
    """`keras_zip`, `hdf5` or `savedmodel`, from the content; ValueError for anything else."""
    path = Path(path)
    if path.is_dir():
        if (path / SAVED_MODEL_FILE).is_file():
            return "savedmodel"
        raise ValueError(f"{path}: a folder without {SAVED_MODEL_FILE} is not a SavedModel")
    with open(path, "rb") as src:
        head = src.read(8)
    if head.startswith(ZIP_MAGIC):
        return "keras_zip"
    if head == HDF5_MAGIC:
        return "hdf5"
    raise ValueError(f"{path}: not a model file (neither a zip .keras archive, HDF5, nor a SavedModel folder)")


def check_model_file(path: str | Path) -> str:
    """Raises UnsafeModelError naming the first layer that carries code; returns the format."""
    fmt = model_format(path)
    configs = list(_configs(Path(path), fmt))
    for config in configs:
        problem = next(iter(_problems(config, layer="model")), None)
        if problem:
            raise UnsafeModelError(f"{path}: refusing to load it: {problem}; {TRUST_HINT}")
    return fmt


def _configs(path: Path, fmt: str) -> Iterator[object]:
    if fmt == "keras_zip":
        with zipfile.ZipFile(path) as archive:
            if KerasFileLayout.ARCHIVE_CONFIG not in archive.namelist():
                raise ValueError(f"{path}: a zip file without {KerasFileLayout.ARCHIVE_CONFIG} is not a .keras model")
            yield json.loads(archive.read(KerasFileLayout.ARCHIVE_CONFIG))
    elif fmt == "hdf5":
        import h5py

        with h5py.File(path, "r") as h5:
            raw = h5.attrs.get("model_config")
        if raw is not None:  # a weights-only file has no architecture, hence no code
            yield json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    else:
        yield from _saved_model_configs(path)


def _saved_model_configs(path: Path) -> Iterator[object]:
    metadata_file = path / KERAS_METADATA_FILE
    if not metadata_file.is_file():
        raise UnsafeModelError(
            f"{path}: refusing to load a SavedModel without {KERAS_METADATA_FILE} (its layers cannot be "
            f"inspected); {TRUST_HINT}")
    from tf_keras.protobuf import saved_metadata_pb2

    metadata = saved_metadata_pb2.SavedMetadata()
    metadata.ParseFromString(metadata_file.read_bytes())
    for node in metadata.nodes:
        yield json.loads(node.metadata or "{}")


def _problems(value: object, layer: str) -> Iterator[str]:
    """Reasons why `value` (a config tree) carries code, each naming the enclosing layer."""
    if isinstance(value, list):
        for item in value:
            yield from _problems(item, layer)
        return
    if not isinstance(value, dict):
        return
    if "class_name" in value:
        layer = _layer_name(value, layer)
        problem = _object_problem(value, layer)
        if problem:
            yield problem
            return
    for key, item in value.items():
        if key.endswith("_type") and item == "lambda":
            yield f"layer {layer!r} carries serialized Python code ({key})"
            return
        yield from _problems(item, layer)


def _layer_name(obj: dict, outer: str) -> str:
    config = obj.get("config")
    name = obj.get("name") or (config.get("name") if isinstance(config, dict) else None)
    return name if isinstance(name, str) else outer


def _object_problem(obj: dict, layer: str) -> str | None:
    class_name, module = obj.get("class_name"), obj.get("module")
    registered = obj.get("registered_name") or class_name
    if not isinstance(class_name, str) or not isinstance(registered, str):
        return f"layer {layer!r} has a malformed class name {class_name!r}"
    if class_name in CODE_CLASSES:
        return f"layer {layer!r} is a {class_name} (it carries Python code)"
    if class_name == "function":
        if _safe_module(module) and isinstance(obj.get("config"), str) and obj["config"] in _keras_functions():
            return None
        return f"layer {layer!r} carries a Python function ({obj.get('config')!r} from {module!r})"
    if isinstance(module, str) and not _safe_module(module):
        return f"layer {layer!r} has class {class_name!r} from module {module!r}, outside Keras and the toolkit"
    if registered in _toolkit_objects() or class_name in _keras_classes():
        return None
    return f"layer {layer!r} has custom class {registered!r}, which is neither Keras nor a toolkit layer"


def _safe_module(module: object) -> bool:
    return module is None or (isinstance(module, str) and module.split(".")[0] in SAFE_MODULE_PREFIXES)


@functools.cache
def _keras_classes() -> frozenset[str]:
    import tf_keras as keras

    families = (keras.layers, keras.initializers, keras.regularizers, keras.constraints, keras.metrics,
                keras.losses)
    names = {name for family in families for name, obj in vars(family).items() if isinstance(obj, type)}
    return frozenset((names | CONTAINER_CLASSES) - CODE_CLASSES)


@functools.cache
def _keras_functions() -> frozenset[str]:
    import tf_keras as keras

    return frozenset(name for name, obj in vars(keras.activations).items() if callable(obj))


def _toolkit_objects() -> frozenset[str]:
    import tf_keras as keras

    import facemodels.heads  # noqa: F401  (registers CrossStitch)
    import facemodels.layers  # noqa: F401  (registers Preprocess, ToChannels)

    return frozenset(k for k in keras.saving.get_custom_objects() if k.startswith("facemodels>"))
