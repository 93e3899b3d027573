"""The compiled training step: targets from labels and tables, masked losses, AdamW update.

A custom `tf.function` step instead of `model.fit`, so that model, optimizer, data iterators,
counters and random-generator states fit in one checkpoint (spec pitfalls: BackupAndRestore is not
exact). The iterator is passed in and advanced inside the function (one call per step, no
per-step host synchronisation). Under a tf.distribute strategy the step runs per replica.
"""

from __future__ import annotations

import tensorflow as tf

from faceschemas.tasks import TASKS
from mtl_methods.losses import gold_targets, masked_task_loss
from mtl_methods.regularizers.base import RegularizerInputs


def batch_targets(labels: dict, masks: dict, ids: tf.Tensor, tasks, tables: dict) -> dict:
    """Per-task target tensors: gold labels, and table rows where a task has no gold label."""
    targets = {}
    for task in tasks:
        num_classes = TASKS[task].num_classes
        gold = gold_targets(labels[task], masks[task], num_classes)
        if task in tables:
            row = tables[task].lookup(ids)
            aux = {"target": row[:, :num_classes], "weight": row[:, num_classes],
                   "has_label": row[:, num_classes + 1], "kd": row[:, num_classes + 2]}
            use_gold = gold["has_label"] > 0
            gold = {k: tf.where(use_gold[:, None] if k == "target" else use_gold, gold[k], aux[k])
                    for k in gold}
        targets[task] = gold
    return targets


class StepBuilder:
    """Builds the training step for the current trainable variables (freezing changes them).

    `regularizers` (`mtl_methods.regularizers.build_regularizers`) are added to the total loss;
    each one's value also appears in the per-loss dict as `reg_<name>` (logged per epoch as
    `train_loss_reg_<name>` when the LoopState was made with those names).
    """

    def __init__(self, model, optimizer, tasks, loss_weights, tables, state, temperature=1.0,
                 normalization="labelled", strategy=None, regularizers=()) -> None:
        self.model, self.optimizer, self.tasks = model, optimizer, tasks
        self.loss_weights, self.tables, self.state = loss_weights, tables, state
        self.temperature, self.normalization = temperature, normalization
        self.strategy = strategy or tf.distribute.get_strategy()
        self.regularizers = tuple(regularizers)

    def losses(self, images, labels, masks, ids):
        targets = batch_targets(labels, masks, ids, self.tasks, self.tables)
        outputs = self.model(images, training=True)
        per_task = {t: masked_task_loss(targets[t], outputs[f"{t}_logits"], self.temperature,
                                        self.normalization) for t in self.tasks}
        total = tf.add_n([self.loss_weights.get(t, 1.0) * per_task[t] for t in self.tasks])
        if self.model.losses:
            total += tf.add_n(self.model.losses)
        if self.regularizers:
            gold = {t: gold_targets(labels[t], masks[t], TASKS[t].num_classes) for t in self.tasks}
            inputs = RegularizerInputs(outputs, targets, tuple(self.tasks), gold)
            terms = {f"reg_{r.name}": r(inputs) for r in self.regularizers}
            total += tf.add_n(list(terms.values()))
            per_task = per_task | terms
        return total, per_task

    def replica_step(self, batch, variables):
        images, labels, masks, ids = batch
        with tf.GradientTape() as tape:
            total, per_task = self.losses(images, labels, masks, ids)
            scaled = total / self.strategy.num_replicas_in_sync
        grads = tape.gradient(scaled, variables)
        pairs = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        self.optimizer.apply_gradients(pairs)
        return total, per_task, tf.shape(images)[0]

    def build(self):
        """A tf.function advancing `iterator` by one batch and updating the state counters."""
        variables = list(self.model.trainable_variables)
        state, strategy = self.state, self.strategy

        @tf.function
        def step(iterator):
            batch = next(iterator)
            total, per_task, n = strategy.run(lambda b: self.replica_step(b, variables), (batch,))
            mean = tf.distribute.ReduceOp.MEAN
            total = strategy.reduce(mean, total, axis=None)
            per_task = {t: strategy.reduce(mean, v, axis=None) for t, v in per_task.items()}
            n = strategy.reduce(tf.distribute.ReduceOp.SUM, n, axis=None)
            state.accumulate(total, per_task, n)
            return total

        return step
