"""The benchmark's rendered attributes are learnable (issue 4, "Done when").

A tiny tf-keras CNN with one head per task, trained for a few hundred steps on images of all
four synthetic domains with their hidden (clean) labels, must beat chance clearly on every
task. Chance is 1/K for mean per-class accuracy, which ignores the skewed domain priors.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tf_keras as keras  # noqa: E402

from facedata.synth import domain_names, get_domain, make_sample  # noqa: E402
from faceschemas.tasks import TASKS  # noqa: E402

PER_DOMAIN = 450
SIZE = 48
MARGIN = {"emotion": 0.15, "pose": 0.25, "age": 0.12, "gender": 0.15, "smile": 0.15}


def _samples():
    images, labels = [], {t: [] for t in TASKS}
    for name in domain_names():
        for i in range(PER_DOMAIN):
            s = make_sample(0, get_domain(name), i, SIZE)
            images.append(cv2.imdecode(np.frombuffer(s.png, np.uint8), cv2.IMREAD_GRAYSCALE))
            for task in TASKS:
                labels[task].append(s.truth["labels"][task])
    return np.stack(images)[..., None].astype("float32"), {t: np.array(v) for t, v in labels.items()}


def _tiny_cnn() -> keras.Model:
    inputs = keras.Input((SIZE, SIZE, 1))
    x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    for filters in (16, 32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    # Flatten, not global pooling: pose and expression cues are *where* features sit.
    x = keras.layers.Dense(128, activation="relu")(keras.layers.Flatten()(x))
    outputs = {t: keras.layers.Dense(spec.num_classes, activation="softmax", name=t)(x) for t, spec in TASKS.items()}
    return keras.Model(inputs, outputs)


def _mean_class_accuracy(pred: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([np.mean(pred[truth == c] == c) for c in np.unique(truth)]))


def train_and_score() -> dict[str, float]:
    """Mean per-class test accuracy of every task after a few hundred steps."""
    x, y = _samples()
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[: int(0.8 * len(x))], order[int(0.8 * len(x)) :]
    keras.utils.set_random_seed(0)
    model = _tiny_cnn()
    model.compile(keras.optimizers.Adam(1e-3), loss={t: "sparse_categorical_crossentropy" for t in TASKS})
    model.fit(x[train], {t: v[train] for t, v in y.items()}, batch_size=32, epochs=8, verbose=0)
    pred = model.predict(x[test], batch_size=256, verbose=0)
    return {t: _mean_class_accuracy(pred[t].argmax(1), y[t][test]) for t in TASKS}


@pytest.fixture(scope="module")
def scores():
    return train_and_score()


@pytest.mark.parametrize("task", list(TASKS))
def test_tiny_cnn_beats_chance(scores, task):
    chance = 1.0 / TASKS[task].num_classes
    assert scores[task] > chance + MARGIN[task], f"{task}: {scores[task]:.3f} vs chance {chance:.3f}"
