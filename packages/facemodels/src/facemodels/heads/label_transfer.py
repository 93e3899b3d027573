"""LEL-LTN heads (Augenstein et al. 2018, arXiv 1802.09913; spec 7.3 [REC]).

* LEL: each task's classifier input (the vector its Dense/Conv logits layer would read) is
  projected to d by `<task>_label_projection`, and one shared `LabelEmbedding` named
  `label_embedding` (E, all tasks' labels x d) gives the logits h_t . E_t^T; an identity layer
  names them `<task>_logits`.
* LTN: per task t, an MLP `<task>_transfer_fc1`, `<task>_transfer_fc2` (64, ReLU) ->
  `<task>_transfer_logits` (C_t) on the concatenation of the other tasks' predicted label
  distributions behind a `StopGradient`, so that the transfer loss trains the MLP only.
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones.base import l2
from facemodels.heads.base import HeadOptions, TaskOutputs
from facemodels.layers.label_transfer import LabelEmbedding, StopGradient
from faceschemas.tasks import TASKS

DEFAULT_EMBEDDING_DIM = 64
TRANSFER_HIDDEN = (64, 64)


def embedded_logits(inputs: dict[str, tf.Tensor], options: HeadOptions) -> dict[str, tf.Tensor]:
    """{task: logits} from the shared label embedding (LEL), for the tasks of `inputs` in order."""
    tasks, dim = tuple(inputs), options.label_embedding
    projected = [
        keras.layers.Dense(dim, kernel_regularizer=l2(options.weight_decay), name=f"{task}_label_projection")(
            inputs[task])
        for task in tasks
    ]
    embedding = LabelEmbedding([TASKS[t].num_classes for t in tasks], dim,
                               embeddings_regularizer=l2(options.weight_decay), name="label_embedding")
    logits = tf.nest.flatten(embedding(projected))
    return {task: keras.layers.Activation("linear", name=f"{task}_logits")(z)
            for task, z in zip(tasks, logits, strict=True)}


def add_transfer_networks(heads: dict[str, TaskOutputs], hidden: Sequence[int] = TRANSFER_HIDDEN,
                          weight_decay: float = 0.0) -> dict[str, tf.Tensor]:
    """{`<task>_transfer_logits`: tensor} for every task, read from the other tasks' probabilities."""
    tasks = tuple(heads)
    if len(tasks) < 2:
        raise ValueError(f"the label transfer network maps other tasks' labels; it needs 2+ tasks, got {tasks}")
    outputs = {}
    for task in tasks:
        others = [heads[t].probabilities for t in tasks if t != task]
        x = keras.layers.Concatenate(name=f"{task}_transfer_inputs")(others) if len(others) > 1 else others[0]
        x = StopGradient(name=f"{task}_transfer_stop")(x)
        for index, width in enumerate(hidden, start=1):
            x = keras.layers.Dense(width, activation="relu", kernel_regularizer=l2(weight_decay),
                                   name=f"{task}_transfer_fc{index}")(x)
        outputs[f"{task}_transfer_logits"] = keras.layers.Dense(
            TASKS[task].num_classes, kernel_regularizer=l2(weight_decay), name=f"{task}_transfer_logits")(x)
    return outputs
