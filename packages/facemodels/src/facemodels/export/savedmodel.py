"""SavedModel export with the uint8 `serving_default` signature (TF Serving, TFLite, TF.js)."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf
import tf_keras as keras

from facemodels.export.base import EXPORTERS, serving_function


@EXPORTERS.register("savedmodel")
def export_savedmodel(model: keras.Model, out: Path) -> Path:
    """Writes a SavedModel directory whose default signature maps uint8 crops to probabilities."""
    module = tf.Module()
    module.model = model
    module.serve = serving_function(model)
    tf.saved_model.save(module, str(out), signatures={"serving_default": module.serve})
    return out
