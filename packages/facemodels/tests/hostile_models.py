"""Hostile model files for the loading tests (also used by tools/tests): a Lambda that writes a marker."""

from __future__ import annotations

import shutil

import tf_keras as keras

FORMATS = ("keras_zip", "hdf5", "savedmodel")


def hostile_model(marker) -> keras.Model:
    """A tiny model whose Lambda `evil` creates `marker` whenever it is called (also on rebuild)."""
    code = eval(f"lambda x: (open({str(marker)!r}, 'w').close(), x)[1]")  # noqa: S307 (the test's payload)
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Lambda(code, name="evil")(inputs)))


def write_hostile(fmt: str, folder):
    """(path, marker) of a hostile model file of `fmt` under `folder`; the marker is absent."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "MARKER"
    model = hostile_model(marker)
    if fmt == "keras_zip":
        path = folder / "hostile.keras"
        model.save(path)
    elif fmt == "hdf5":
        model.save(folder / "hostile.h5", save_format="h5")
        path = folder / "hostile.keras"
        shutil.move(folder / "hostile.h5", path)
    else:
        path = folder / "hostile_savedmodel"
        model.save(str(path), save_format="tf")
    marker.unlink(missing_ok=True)  # building and saving called the Lambda
    return path, marker
