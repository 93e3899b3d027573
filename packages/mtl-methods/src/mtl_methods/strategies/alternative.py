"""Alternating training (spec 5.3): DML-LWF, Distilling, SA-MTL and naive alternation.

Epoch e trains on dataset e mod n only. At its start, before the first step, the model as it is
then computes the other tasks' targets for every training image of that dataset (spec 10.6: no
snapshot copy is needed because the targets are computed first). The targets live in a per-sample
table keyed by sample id (spec 2.6 [REC]) that is checkpointed, so a resumed epoch uses the same
targets. Without a provider (naive) the other tasks stay masked (spec 5.3 [REC]).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mtl_methods.data import passes_steps, training_batches
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy


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
        self.build_tables()

    def source_of(self, epoch: int):
        return self.sources[epoch % len(self.sources)]

    def plan(self, epoch: int) -> EpochPlan:
        source = self.source_of(epoch)
        steps = self._steps(passes_steps(source.train_size, self.batch_size))
        return EpochPlan(self.iterators[source.name], steps, source.name)

    def prepare_epoch(self, epoch: int, infer: Callable) -> dict[str, Any]:
        """The current dataset's targets for the other tasks, every N-th visit of it (--pseudo-every),
        counted from the end of the warm-up (--pseudo-warmup)."""
        source = self.source_of(epoch)
        self.refreshed = {}
        if (self.provider is None or set(self.tasks) <= set(source.tasks) or self.warming_up(epoch)
                or (epoch - self.refresh_warmup) // len(self.sources) % self.refresh_every):
            return {}
        return self.run_refresh([source], epoch, infer)
