"""Loop state kept in variables so that it travels with the checkpoint (exact resume)."""

from __future__ import annotations

import tensorflow as tf


class LoopState(tf.Module):
    """Counters, early-stopping memory and per-epoch loss sums."""

    def __init__(self, tasks) -> None:
        super().__init__(name="loop_state")
        self.tasks = tuple(tasks)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.step_in_epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.global_step = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.images = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.best_score = tf.Variable(float("-inf"), dtype=tf.float64, trainable=False)
        self.best_epoch = tf.Variable(-1, dtype=tf.int64, trainable=False)
        self.wait = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.stopped = tf.Variable(False, trainable=False)
        self.loss_sum = tf.Variable(0.0, dtype=tf.float64, trainable=False)
        self.notes = tf.Variable("{}", dtype=tf.string, trainable=False)  # JSON of prepare_epoch notes
        self.task_sums = {t: tf.Variable(0.0, dtype=tf.float64, trainable=False) for t in self.tasks}

    def accumulate(self, total, per_task, images) -> None:
        self.loss_sum.assign_add(tf.cast(total, tf.float64))
        for task, value in per_task.items():
            self.task_sums[task].assign_add(tf.cast(value, tf.float64))
        self.images.assign_add(tf.cast(images, tf.int64))
        self.step_in_epoch.assign_add(1)
        self.global_step.assign_add(1)

    def reset_epoch(self) -> None:
        self.loss_sum.assign(0.0)
        self.images.assign(0)
        for var in self.task_sums.values():
            var.assign(0.0)

    def epoch_losses(self) -> dict[str, float]:
        steps = max(1, int(self.step_in_epoch.numpy()))
        losses = {"train_loss": float(self.loss_sum.numpy()) / steps}
        return losses | {f"train_loss_{t}": float(v.numpy()) / steps for t, v in self.task_sums.items()}
