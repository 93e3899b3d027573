"""Beam preprocessing of face datasets into sharded TFRecords, tf.data readers, and the synthetic benchmark.

`load`, `read_manifest`, `mix` and `prepare` are imported lazily, so that Beam workers and
tools that only parse labels do not pay for importing TensorFlow. (No submodule may share a
lazy name: importing `facedata.mix` as a module would rebind `facedata.mix` to it.)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "load": "facedata.reader",
    "read_manifest": "facedata.reader",
    "mix": "facedata.mixing",
    "steps_per_epoch": "facedata.mixing",
    "prepare": "facedata.pipeline",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'facedata' has no attribute {name!r}")
