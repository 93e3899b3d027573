"""Small in-memory stand-ins with the facedata / facemodels contracts, for tests and benchmarks.

`tiny_model` has the model contract (raw pixels in, outputs `{task}`, `{task}_logits`,
`{task}_features`); `synthetic_source` yields the data contract's unbatched
`(image, {task: label}, {task: mask}, sample_id)` with a class-dependent, learnable pattern.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras as keras

from faceschemas.tasks import TASKS
from mtl_methods.data import DataSource


def tiny_model(tasks, image_shape=(8, 8, 1), width: int = 16, dropout: float = 0.0,
               label_transfer: bool = False) -> keras.Model:
    """A small multi-head model; its trunk layers are named `backbone_*`.

    `label_transfer=True` gives the LEL-LTN flavour (spec 7.3, as facemodels builds it with
    `label_embedding` and `label_transfer`): logits from one label embedding shared by all tasks,
    and `{task}_transfer_logits` from an MLP on the other tasks' probabilities behind a
    stop-gradient. Plain Keras layers only (mtl_methods does not import facemodels).
    """
    images = keras.Input(image_shape, name="image")
    x = keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="backbone_preprocess")(images)
    x = keras.layers.Flatten(name="backbone_flatten")(x)
    x = keras.layers.Dense(width, activation="relu", name="backbone_dense")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="trunk_dropout")(x)
    feats = {task: keras.layers.Dense(width, activation="relu", name=f"{task}_fc")(x) for task in tasks}
    logits = _embedded_logits(feats, width) if label_transfer else {
        task: keras.layers.Dense(TASKS[task].num_classes, name=f"{task}_logit_layer")(f) for task, f in feats.items()}
    outputs = {}
    for task in tasks:
        outputs[task] = keras.layers.Softmax(name=f"{task}_prediction")(logits[task])
        outputs[f"{task}_logits"] = logits[task]
        outputs[f"{task}_features"] = feats[task]
    if label_transfer:
        if len(tasks) < 2:
            raise ValueError("the label transfer network maps the other tasks' labels; it needs 2+ tasks")
        outputs |= _transfer_logits(outputs, tuple(tasks), width)
    return keras.Model(images, outputs, name="tiny_mtl")


def _embedded_logits(feats: dict, width: int) -> dict:
    """LEL: h_t . E_t^T, with E the kernel of one bias-free Dense over every task's labels."""
    embedding = keras.layers.Dense(sum(TASKS[t].num_classes for t in feats), use_bias=False, name="label_embedding")
    logits, start = {}, 0
    for task, f in feats.items():
        classes = TASKS[task].num_classes
        projected = keras.layers.Dense(width, name=f"{task}_label_projection")(f)
        logits[task] = embedding(projected)[:, start:start + classes]
        start += classes
    return logits


def _transfer_logits(outputs: dict, tasks: tuple, width: int) -> dict:
    """LTN: per task an MLP (2 x width, ReLU) on the other tasks' probabilities (stop-gradient)."""
    result = {}
    for task in tasks:
        others = [outputs[t] for t in tasks if t != task]
        x = tf.stop_gradient(keras.layers.Concatenate(name=f"{task}_transfer_inputs")(others)
                             if len(others) > 1 else others[0])
        for index in (1, 2):
            x = keras.layers.Dense(width, activation="relu", name=f"{task}_transfer_fc{index}")(x)
        result[f"{task}_transfer_logits"] = keras.layers.Dense(
            TASKS[task].num_classes, name=f"{task}_transfer_logits")(x)
    return result


def synthetic_arrays(task: str, n: int, seed: int, image_shape=(8, 8, 1)):
    """Images whose mean brightness pattern encodes the class, plus noise."""
    rng = np.random.default_rng(seed)
    classes = TASKS[task].num_classes
    labels = rng.integers(0, classes, n).astype(np.int32)
    size = int(np.prod(image_shape))
    patterns = np.random.default_rng(1000 + classes).uniform(0, 255, (classes, size))
    images = 0.7 * patterns[labels] + rng.uniform(0, 0.3 * 255, (n, size))
    return images.reshape((n, *image_shape)).astype(np.float32), labels


def _split(name: str, task: str, images, labels, offset: int) -> tf.data.Dataset:
    ids = np.array([f"{name}-{offset + i:06d}".encode() for i in range(len(labels))])
    mask = np.ones(len(labels), np.float32)
    return tf.data.Dataset.from_tensor_slices((images, {task: labels}, {task: mask}, ids))


def synthetic_source(name: str, task: str, n_train: int = 64, n_val: int = 16, n_test: int = 16,
                     seed: int = 0, image_shape=(8, 8, 1)) -> DataSource:
    """A DataSource labelling one task, with train/val/test splits."""
    images, labels = synthetic_arrays(task, n_train + n_val + n_test, seed, image_shape)
    cuts = [0, n_train, n_train + n_val, n_train + n_val + n_test]
    splits = [_split(name, task, images[a:b], labels[a:b], a) if b > a else None
              for a, b in zip(cuts, cuts[1:], strict=False)]
    return DataSource(name=name, tasks=(task,), train=splits[0], train_size=n_train,
                      val=splits[1], test=splits[2])
