"""Dense task heads of spec 3.2 (vggFace) and 3.4 (MobileNetV2, ResNets).

Per task: `<task>_fc` Dense(128, linear) -> [BN] -> ReLU -> [cross-stitch] -> [Dropout 0.5] ->
`<task>_logits` Dense(C) -> softmax (with `label_embedding`, LEL logits from the same input instead:
`heads.label_transfer`). The head features are the output of `<task>_fc` (linear, before ReLU and
cross-stitch), as the pseudo-label code of the original reads them.
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones.base import l2
from facemodels.heads.base import HEADS, HeadOptions, TaskOutputs, finish_task
from facemodels.heads.cross_stitch import CrossStitch
from facemodels.heads.label_transfer import embedded_logits
from faceschemas.tasks import TASKS

HIDDEN = 128


def _hidden(x: tf.Tensor, task: str, options: HeadOptions) -> tuple[tf.Tensor, tf.Tensor]:
    fc = keras.layers.Dense(HIDDEN, kernel_regularizer=l2(options.weight_decay), name=f"{task}_fc")(x)
    h = keras.layers.BatchNormalization(name=f"{task}_bn")(fc) if options.batch_norm else fc
    return fc, keras.layers.ReLU(name=f"{task}_relu")(h)


def _stitch(hidden: dict[str, tf.Tensor], options: HeadOptions) -> dict[str, tf.Tensor]:
    pair = options.cross_stitch
    if not pair:
        return hidden
    mixed = CrossStitch(name="cross_stitch")([hidden[pair[0]], hidden[pair[1]]])
    return {**hidden, pair[0]: mixed[0], pair[1]: mixed[1]}


@HEADS.register("dense")
def dense_heads(
    feature_map: tf.Tensor, shared: tf.Tensor, tasks: tuple[str, ...], options: HeadOptions
) -> dict[str, TaskOutputs]:
    """Builds one dense head per task on the shared vector."""
    pre_relu, hidden = {}, {}
    for task in tasks:
        pre_relu[task], hidden[task] = _hidden(shared, task, options)
    hidden = _stitch(hidden, options)
    classifier_inputs = {}
    for task in tasks:
        h = hidden[task]
        if options.dropout:
            h = keras.layers.Dropout(options.dropout_rate, name=f"{task}_dropout")(h)
        classifier_inputs[task] = h
    if options.label_embedding:  # LEL-LTN: logits from the shared label embedding (spec 7.3)
        logits = embedded_logits(classifier_inputs, options)
    else:
        logits = {task: keras.layers.Dense(TASKS[task].num_classes, kernel_regularizer=l2(options.weight_decay),
                                           name=f"{task}_logits")(h) for task, h in classifier_inputs.items()}
    return {task: finish_task(task, logits[task], pre_relu[task]) for task in tasks}
