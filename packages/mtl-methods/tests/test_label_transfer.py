"""LEL-LTN (spec 7.3 [REC]): the transfer loss on gold rows, its stop-gradient, the provider, a joint run."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import tensorflow as tf
import tf_keras as keras

from faceschemas.config import RegularizerSettings
from mtl_methods import testing
from mtl_methods.evaluation import Predictor
from mtl_methods.experiment import make_trainer
from mtl_methods.providers import provider_for
from mtl_methods.providers.label_transfer import LabelTransferProvider
from mtl_methods.providers.pseudo import PseudoLabelProvider
from mtl_methods.regularizers import build_regularizers
from mtl_methods.step import StepBuilder
from mtl_methods.targets import ProviderContext

TASKS = ("emotion", "pose")
LTN = RegularizerSettings(label_transfer=True)
RUN = ("--tasks", "EP", "--batch_size", "16", "--learning_rate", "0.01")


class KeysPredictor(Predictor):
    """Records the outputs each inference pass asks for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, ds, keys):
        self.calls.append(tuple(keys))
        return super().__call__(ds, keys)


def with_truth(sources, seed=0):
    """A hidden truth of every task for every training image (random but fixed), like the benchmark's."""
    rng = np.random.default_rng(seed)
    for source in sources:
        truth = {}
        for _, labels, _, sample_id in source.train:
            row = {"emotion": int(rng.integers(0, 7)), "pose": int(rng.integers(0, 5))}
            truth[sample_id.numpy().decode()] = {"labels": row | {t: int(v) for t, v in labels.items()}}
        source.truth = truth
    return sources


def _model():
    keras.utils.set_random_seed(0)
    return testing.tiny_model(TASKS, label_transfer=True)


def _pose_table(ids, rows: int):
    """A per-sample target table in which every row of the batch holds a pose pseudo-label."""
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.float32, default_value=tf.zeros([8]))
    packed = np.zeros((rows, 8), np.float32)
    packed[:, 2] = 1.0  # one-hot class 2
    packed[:, 5:7] = 1.0  # weight 1, has_label 1 (kd 0)
    table.insert(ids, tf.constant(packed))
    return table


def _batch(rows=6, emotion_labelled=True):
    rng = np.random.default_rng(rows)
    images = tf.constant(rng.uniform(0, 255, (rows, 8, 8, 1)).astype(np.float32))
    labels = {"emotion": tf.constant(rng.integers(0, 7, rows).astype(np.int32) if emotion_labelled
                                     else np.full(rows, -1, np.int32)),
              "pose": tf.constant(np.full(rows, -1, np.int32))}
    masks = {"emotion": tf.constant(np.full(rows, float(emotion_labelled), np.float32)),
             "pose": tf.zeros([rows])}
    ids = tf.constant([f"x{i}".encode() for i in range(rows)])
    return images, labels, masks, ids


def _losses(model, batch, tables=None):
    builder = StepBuilder(model, None, TASKS, {}, tables or {}, None,
                          regularizers=build_regularizers(LTN, model, TASKS))
    return builder.losses(*batch)


def test_the_switch_builds_the_transfer_term_with_coefficient_one_and_needs_the_outputs():
    (term,) = build_regularizers(LTN, _model(), TASKS)
    assert term.name == "label_transfer" and term.coefficient == 1.0
    with pytest.raises(ValueError, match="pose_transfer_logits"):
        build_regularizers(LTN, testing.tiny_model(TASKS), TASKS)


def test_the_transfer_loss_uses_gold_rows_only_never_the_pseudo_labels_of_the_table():
    model = _model()
    batch = _batch(emotion_labelled=False)
    table = _pose_table(batch[3], len(batch[3]))
    _, per_loss = _losses(model, batch, {"pose": table})
    assert float(per_loss["pose"]) > 0.0  # the pose head does learn from the pseudo-labels ...
    assert float(per_loss["reg_label_transfer"]) == 0.0  # ... the transfer network does not
    # With gold emotion labels, the term is the emotion transfer network's CE on them alone.
    gold = _batch(emotion_labelled=True)
    _, per_loss = _losses(model, gold, {"pose": table})
    logits = model(gold[0])["emotion_transfer_logits"]
    expected = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(gold[1]["emotion"], logits))
    assert float(per_loss["reg_label_transfer"]) == pytest.approx(float(expected), rel=1e-5)


def test_the_transfer_loss_gives_no_gradient_to_the_heads_or_the_trunk_it_reads():
    model = _model()
    (term,) = build_regularizers(LTN, model, TASKS)
    batch = _batch()
    builder = StepBuilder(model, None, TASKS, {}, {}, None, regularizers=(term,))
    with tf.GradientTape() as tape:
        _, per_loss = builder.losses(*batch)
        value = per_loss["reg_label_transfer"]
    grads = dict(zip([v.name for v in model.trainable_variables],
                     tape.gradient(value, model.trainable_variables), strict=True))
    transfer = {n for n in grads if "_transfer_" in n}
    assert transfer and all(grads[n] is not None and np.any(grads[n].numpy()) for n in transfer
                            if n.startswith("emotion"))
    others = [n for n in grads if n not in transfer]
    assert others and all(grads[n] is None or not np.any(grads[n].numpy()) for n in others)


def _context(logits, truth=None):
    logits = np.asarray(logits, np.float32)
    ids = np.array([f"u{i}".encode() for i in range(len(logits))])
    return ProviderContext("pose", "synth_expw", 0, ids, logits, truth=truth)


def test_the_provider_keeps_exactly_the_rows_at_or_above_the_threshold_one_hot_with_weight_lambda():
    # confidences: 0.5 exactly (two tied classes), ~0.97, ~0.2 (uniform), ~0.73
    logits = [[0, 0, -100, -100, -100], [0, 5, 0, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 3, 0]]
    provided = LabelTransferProvider(confidence_threshold=0.5, weight=0.25)(_context(logits, np.array([0, 1, 2, 0])))
    confidence = provided.table["confidence"]
    assert confidence[0] == 0.5
    keep = confidence >= 0.5
    np.testing.assert_array_equal(provided.has_label, keep.astype(np.float32))
    np.testing.assert_array_equal(provided.table["selected"], keep.astype(np.int64))
    np.testing.assert_array_equal(provided.weight, 0.25 * keep)
    np.testing.assert_array_equal(provided.kd, 0.0)
    assert np.all(provided.target[keep].sum(1) == 1.0) and np.all(provided.target[keep].max(1) == 1.0)
    np.testing.assert_array_equal(np.argmax(provided.target[keep], 1), [0, 1, 3])
    assert not provided.target[~keep].any()
    assert provided.diagnostics["coverage"] == pytest.approx(0.75)
    assert provided.diagnostics["precision"] == pytest.approx(0.5)  # rows 0 and 1 are right
    assert provided.diagnostics["precision_selected"] == pytest.approx(2 / 3)
    np.testing.assert_array_equal(provided.table["correct"], [1, 1, 0, 0])


def test_threshold_zero_keeps_every_row_and_the_presets_pick_one_provider_each(setup):
    provided = LabelTransferProvider()(_context(np.random.default_rng(0).normal(size=(5, 5))))
    assert np.all(provided.has_label == 1.0) and np.all(provided.weight == 1.0) and not provided.diagnostics
    config, *_ = setup(*RUN, "--confidence-threshold", "0.6", preset="lel-ltn")
    provider = provider_for(config)
    assert isinstance(provider, LabelTransferProvider) and provider.confidence_threshold == 0.6
    assert provider.logits_output == "transfer_logits"
    assert isinstance(provider_for(setup(*RUN, preset="sa-mtl")[0]), PseudoLabelProvider)


def test_a_tiny_lel_ltn_joint_run_refreshes_from_the_transfer_network_and_writes_the_tables(setup):
    config, _, sources, run = setup(*RUN, "--epochs", "2", "--steps_per_epoch", "3", preset="lel-ltn",
                                    n_train=24)
    model = testing.tiny_model(config.tasks, label_transfer=True)
    with_truth(sources)
    trainer = make_trainer(config, model, sources, run)
    trainer.predictor = KeysPredictor(model, config.tasks)
    trainer.fit()
    refresh_keys = {k for keys in trainer.predictor.calls[:2] for k in keys}
    assert refresh_keys == {"emotion_transfer_logits", "pose_transfer_logits"}
    names = {p.name for p in run.pseudo_tables()}
    assert {"epoch-000-pose.csv", "epoch-000-emotion.csv", "epoch-001-pose.csv"} <= names
    with open(run.pseudo / "epoch-000-pose.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 24
    assert {"sample_id", "dataset", "pseudo_label", "confidence", "weight", "selected", "true_label",
            "correct"} <= set(rows[0])
    record = run.read_metrics()[0]
    assert record["targets_pose"] == 24 and record["targets_emotion"] == 24  # threshold 0 keeps all
    assert 0.0 <= record["pseudo/pose/synth_expw/precision"] <= 1.0
    assert record["train_loss_reg_label_transfer"] > 0.0
    with open(run.pseudo / "epoch-001-pose.csv", newline="") as f:  # the table holds the last refresh
        rows = list(csv.DictReader(f))
    ids = tf.constant([r["sample_id"].encode() for r in rows])
    stored = trainer.strategy.tables["pose"].lookup(ids).numpy()
    assert np.all(stored[:, :5].sum(1) == 1.0) and np.all(stored[:, 5:7] == 1.0)
    labels = np.argmax(stored[:, :5], 1)
    np.testing.assert_array_equal(labels, [int(r["pseudo_label"]) for r in rows])
