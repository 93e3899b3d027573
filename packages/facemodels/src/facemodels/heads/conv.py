"""Convolutional task heads of mini_xception (spec 3.3).

Per task: Conv2D(C, 3x3, same) on the 4x4x128 map -> GlobalAveragePooling = logits -> softmax,
the layout of the published FER2013 file (with `label_embedding`, LEL logits on the pooled
features instead: `heads.label_transfer`). The head features are the GAP of the trunk (spec 3.3
[REC]), shared by all tasks. Options the original ignored for mini_xception act here: dropout
before the head conv, BN after it, weight decay on its kernel.
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones.base import l2
from facemodels.heads.base import HEADS, HeadOptions, TaskOutputs, finish_task
from facemodels.heads.label_transfer import embedded_logits
from faceschemas.tasks import TASKS


@HEADS.register("conv")
def conv_heads(
    feature_map: tf.Tensor, shared: tf.Tensor, tasks: tuple[str, ...], options: HeadOptions
) -> dict[str, TaskOutputs]:
    """Builds one conv + GAP head per task on the trunk's map."""
    if options.cross_stitch:
        raise ValueError("cross_stitch needs 128-d dense heads; mini_xception heads are convolutional")
    if options.label_embedding:
        return _embedded_heads(shared, tasks, options)
    outputs = {}
    for task in tasks:
        x = feature_map
        if options.dropout:
            x = keras.layers.Dropout(options.dropout_rate, name=f"{task}_dropout")(x)
        x = keras.layers.Conv2D(
            TASKS[task].num_classes, 3, padding="same",
            kernel_regularizer=l2(options.weight_decay), name=f"{task}_conv",
        )(x)
        if options.batch_norm:
            x = keras.layers.BatchNormalization(name=f"{task}_bn")(x)
        logits = keras.layers.GlobalAveragePooling2D(name=f"{task}_logits")(x)
        outputs[task] = finish_task(task, logits, shared)
    return outputs


def _embedded_heads(shared: tf.Tensor, tasks: tuple[str, ...], options: HeadOptions) -> dict[str, TaskOutputs]:
    """LEL (spec 7.3): each task projects the pooled trunk features (its head features) to the
    label embedding; no per-task conv."""
    inputs = {}
    for task in tasks:
        x = shared
        if options.dropout:
            x = keras.layers.Dropout(options.dropout_rate, name=f"{task}_dropout")(x)
        inputs[task] = x
    logits = embedded_logits(inputs, options)
    return {task: finish_task(task, logits[task], shared) for task in tasks}
