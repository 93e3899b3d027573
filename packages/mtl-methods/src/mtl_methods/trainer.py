"""The training loop: epochs of a strategy, validation-based selection, resume, run folder.

One loop with a global epoch counter (spec 8.3 [REC]); the learning rate per epoch follows the
freezing stages and the schedule; early stopping and the best checkpoint use the validation split,
never test (spec 2.3, 10.10). Everything needed for an exact resume lives in one checkpoint.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import tensorflow as tf
import tf_keras as keras
from tensorflow.core.framework import summary_pb2

from faceschemas.config import ExperimentConfig
from mtl_methods.checkpointing import CheckpointKeeper
from mtl_methods.evaluation import Predictor, evaluate_sources, score
from mtl_methods.regularizers import build_regularizers
from mtl_methods.runs import RunFolder
from mtl_methods.schedule import is_frozen, learning_rate
from mtl_methods.state import LoopState
from mtl_methods.step import StepBuilder
from mtl_methods.strategies.base import Strategy

# Scalar summaries written without the tensorboard package (a viewer-only dependency).
_SCALAR = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))
NO_DECAY = ["bias", "gamma", "beta", "moving_mean", "moving_variance"]


def default_backbone(model) -> list:
    """Layers named `backbone*` (facemodels' convention; inject another selector otherwise)."""
    return [layer for layer in model.layers if layer.name.startswith("backbone")]


def layer_generators(model) -> list:
    """The tf.random.Generator of every random layer (Dropout, ...), created now.

    tf_keras creates them lazily on the first call and does not track them in the model's
    checkpoint; without them a resumed run draws other dropout masks (measured: not bit-exact).
    """
    found = []
    for layer in model.submodules:
        rng = getattr(layer, "_random_generator", None)
        if rng is None:
            continue
        rng._maybe_init()
        if getattr(rng, "_generator", None) is not None:
            found.append(rng._generator)
    return found


@dataclass
class TrainerOptions:
    """Loop settings that are not part of the experiment's scientific config."""

    checkpoint_every: int | None = None  # steps between mid-epoch checkpoints; None: each epoch end
    eval_batch_size: int = 64
    progress: bool | None = None  # Keras progress bar; None: only on a terminal
    loss_normalization: str = "labelled"  # losses.NORMALIZATIONS
    stop_after_epochs: int | None = None  # end this call early (tests, time budgets)


class Trainer:
    """Trains a multi-task tf_keras model given by injection with a strategy over DataSources."""

    def __init__(self, model, strategy: Strategy, config: ExperimentConfig, run: RunFolder,
                 backbone: Callable = default_backbone, options: TrainerOptions | None = None,
                 distribution: tf.distribute.Strategy | None = None) -> None:
        self.model, self.strategy, self.config, self.run = model, strategy, config, run
        self.options = options or TrainerOptions()
        self.tasks = tuple(config.tasks)
        self.distribution = distribution or tf.distribute.get_strategy()
        self.backbone_layers = backbone(model) if config.training.freeze_backbone else []
        self.predictor = Predictor(model, self.tasks, self.options.eval_batch_size)
        self._steps: dict[bool, Callable] = {}
        self._writer = None
        self.train_seconds = 0.0
        self._build()

    def _build(self) -> None:
        training = self.config.training
        with self.distribution.scope():
            self.optimizer = keras.optimizers.AdamW(learning_rate=learning_rate(training, 0),
                                                    weight_decay=training.weight_decay)
            self.optimizer.exclude_from_weight_decay(var_names=NO_DECAY)
            # Built on every variable up front: freezing later must not change the slot layout.
            self.optimizer.build(self.model.trainable_variables)
        # Local, not mirrored: counters are set in cross-replica code, and collectives cannot
        # broadcast the string variable of the epoch notes (MultiWorkerMirroredStrategy).
        regularizers = build_regularizers(self.config.regularizers, self.model, self.tasks)
        self.state = LoopState(self.tasks + tuple(f"reg_{r.name}" for r in regularizers))
        self.strategy.build()
        objects = {"model": self.model, "optimizer": self.optimizer, "state": self.state,
                   "rng": tf.random.get_global_generator(), "layer_rngs": layer_generators(self.model)}
        self.keeper = CheckpointKeeper(str(self.run.checkpoints), **objects, **self.strategy.trackables())
        self.builder = StepBuilder(self.model, self.optimizer, self.tasks, dict(self.config.loss_weights),
                                   self.strategy.tables, self.state, self.config.distill.temperature,
                                   self.options.loss_normalization, self.distribution, regularizers)

    def resume(self) -> bool:
        """Restores the newest readable checkpoint; False when there is none."""
        if self.keeper.restore_latest() is None:
            return False
        self.run.truncate_metrics(int(self.state.epoch.numpy()))
        return True

    def _step(self, frozen: bool) -> Callable:
        for layer in self.backbone_layers:
            layer.trainable = not frozen
        if frozen not in self._steps:
            self._steps[frozen] = self.builder.build()
        return self._steps[frozen]

    def fit(self) -> None:
        """Runs (or continues) the epochs until the end, early stopping or `stop_after_epochs`."""
        done = 0
        epochs = self.config.training.epochs
        while int(self.state.epoch.numpy()) < epochs and not bool(self.state.stopped.numpy()):
            if self.options.stop_after_epochs is not None and done >= self.options.stop_after_epochs:
                return
            self._run_epoch(int(self.state.epoch.numpy()))
            done += 1

    def _run_epoch(self, epoch: int) -> None:
        training = self.config.training
        frozen = is_frozen(training, epoch)
        self.optimizer.learning_rate = learning_rate(training, epoch)
        if int(self.state.step_in_epoch.numpy()) == 0:
            self.state.reset_epoch()
            notes = self.strategy.prepare_epoch(epoch, self.predictor)
            for task, parts in self.strategy.refreshed.items():
                self.run.write_pseudo_table(epoch, task, parts)
            self.state.notes.assign(json.dumps(notes))
        notes = json.loads(self.state.notes.numpy().decode())
        plan = self.strategy.plan(epoch)
        step = self._step(frozen)
        bar = self._progress(epoch, plan.steps)
        start = time.perf_counter()
        for index in range(int(self.state.step_in_epoch.numpy()), plan.steps):
            step(plan.iterator)
            self._after_step(bar, index + 1)
        seconds = time.perf_counter() - start
        self.train_seconds += seconds
        self._end_epoch(epoch, plan.dataset, frozen, seconds, notes)

    def _after_step(self, bar, done: int) -> None:
        every = self.options.checkpoint_every
        if every and int(self.state.global_step.numpy()) % every == 0:
            self.keeper.save(int(self.state.global_step.numpy()))
        if bar is not None and (done % bar.every == 0 or done == bar.target):
            bar.update(done, [("loss", float(self.state.loss_sum.numpy()) / done)])

    def _progress(self, epoch: int, steps: int):
        show = self.options.progress if self.options.progress is not None else sys.stdout.isatty()
        if not show:
            return None
        print(f"Epoch {epoch + 1}/{self.config.training.epochs}")
        bar = keras.utils.Progbar(steps)
        bar.every = max(1, steps // 50)  # reading the loss synchronises: not every step
        return bar

    def _end_epoch(self, epoch: int, dataset: str, frozen: bool, seconds: float, notes: dict) -> None:
        val = evaluate_sources(self.predictor, self.strategy.sources, "val")
        val_score = score(val)
        record = {"epoch": epoch, "dataset": dataset, "frozen": frozen,
                  "learning_rate": float(self.optimizer.learning_rate.numpy()),
                  **self.state.epoch_losses(), "val_score": val_score,
                  **{f"val/{m.task}/{m.dataset}/accuracy": m.accuracy for m in val},
                  "seconds": seconds, "images_per_second": int(self.state.images.numpy()) / max(seconds, 1e-9),
                  **notes}
        self._select(epoch, val_score)
        self.state.epoch.assign(epoch + 1)
        self.state.step_in_epoch.assign(0)
        self.run.append_metrics(record)
        self._tensorboard(record)
        self.keeper.save(int(self.state.global_step.numpy()))
        print(_epoch_line(record, self.config.training.epochs), flush=True)

    def _select(self, epoch: int, val_score: float | None) -> None:
        """Best weights and early stopping on the validation score (never test)."""
        if val_score is None:
            return
        if val_score > float(self.state.best_score.numpy()):
            self.state.best_score.assign(val_score)
            self.state.best_epoch.assign(epoch)
            self.state.wait.assign(0)
            tf.train.Checkpoint(model=self.model).write(str(self.run.best / "best"))
            return
        self.state.wait.assign_add(1)
        patience = self.config.training.early_stopping_patience
        if patience is not None and int(self.state.wait.numpy()) >= patience:
            self.state.stopped.assign(True)

    def restore_best(self) -> int | None:
        """Loads the best validation weights, when any were kept; returns their epoch."""
        best = int(self.state.best_epoch.numpy())
        if best < 0:
            return None
        tf.train.Checkpoint(model=self.model).read(str(self.run.best / "best")).assert_existing_objects_matched()
        return best

    def _tensorboard(self, record: dict) -> None:
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.run.tensorboard))
        with self._writer.as_default(step=record["epoch"]):
            for key, value in record.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "epoch":
                    tf.summary.write(key, tf.constant(value, tf.float32), metadata=_SCALAR)
        self._writer.flush()


def _epoch_line(record: dict, epochs: int) -> str:
    vals = " ".join(f"{k.split('/')[1]}@{k.split('/')[2]}={v:.3f}" for k, v in record.items()
                    if k.startswith("val/"))
    return (f"epoch {record['epoch'] + 1}/{epochs} [{record['dataset']}] loss={record['train_loss']:.4f} "
            f"lr={record['learning_rate']:.2e} {vals} {record['images_per_second']:.0f} img/s").rstrip()
