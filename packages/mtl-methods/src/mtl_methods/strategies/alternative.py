"""Alternating training (spec 5.3): DML-LWF, Distilling, naive alternation and, later, SA-MTL.

Epoch e trains on dataset e mod n only. At its start, before the first step, the model as it is
then computes the other tasks' targets for every training image of that dataset (spec 10.6: no
snapshot copy is needed because the targets are computed first). The targets live in a per-sample
table keyed by sample id (spec 2.6 [REC]) that is checkpointed, so a resumed epoch uses the same
targets. Without a provider (naive) the other tasks stay masked (spec 5.3 [REC]).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from faceschemas.tasks import TASKS
from mtl_methods.data import passes_steps, training_batches
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy
from mtl_methods.targets import ProviderContext


@STRATEGIES.register("alternative")
class AlternativeStrategy(Strategy):
    """Alternates epochs over the datasets; other heads learn from provided targets."""

    name = "alternative"

    def check(self) -> None:
        super().check()
        if len(self.sources) < 2:
            raise ValueError("alternating training needs at least two datasets")

    def build(self) -> None:
        for i, source in enumerate(self.sources):
            ds = training_batches(source, self.tasks, self.batch_size, self.seed + i)
            self.iterators[source.name] = self.iterator_for(ds)
        if self.provider is not None:
            for task in self.tasks:
                width = TASKS[task].num_classes + 3
                self.tables[task] = tf.lookup.experimental.MutableHashTable(
                    tf.string, tf.float32, default_value=tf.zeros([width]), name=f"targets_{task}"
                )

    def source_of(self, epoch: int):
        return self.sources[epoch % len(self.sources)]

    def plan(self, epoch: int) -> EpochPlan:
        source = self.source_of(epoch)
        steps = self._steps(passes_steps(source.train_size, self.batch_size))
        return EpochPlan(self.iterators[source.name], steps, source.name)

    def prepare_epoch(self, epoch: int, infer: Callable) -> dict[str, Any]:
        source = self.source_of(epoch)
        others = [t for t in self.tasks if t not in source.tasks]
        if self.provider is None or not others:
            return {}
        keys = [f"{t}_logits" for t in others]
        keys += [f"{t}_features" for t in others] if self.provider.needs_features else []
        outputs = infer(source.eval_train(), keys)
        notes = {}
        for task in others:
            context = ProviderContext(task, source.name, epoch, outputs["ids"], outputs[f"{task}_logits"],
                                      outputs.get(f"{task}_features"))
            provided = self.provider(context)
            self.tables[task].insert(tf.constant(outputs["ids"]), tf.constant(provided.packed()))
            notes[f"targets_{task}"] = int(np.sum(provided.has_label))
        return notes
