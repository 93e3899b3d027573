"""Single-task learning (spec 5.1): one task, one dataset."""

from __future__ import annotations

from mtl_methods.data import passes_steps, training_batches
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy


@STRATEGIES.register("stl")
class STLStrategy(Strategy):
    """Trains one task on the dataset that labels it; an epoch is one pass."""

    name = "stl"

    def check(self) -> None:
        super().check()
        if len(self.tasks) != 1:
            raise ValueError(f"stl trains one task, got {', '.join(self.tasks)}")
        self.source = next(s for s in self.sources if self.tasks[0] in s.tasks)

    def build(self) -> None:
        ds = training_batches(self.source, self.tasks, self.batch_size, self.seed)
        self.iterators = {self.source.name: self.iterator_for(ds)}

    def plan(self, epoch: int) -> EpochPlan:
        steps = self._steps(passes_steps(self.source.train_size, self.batch_size))
        return EpochPlan(self.iterators[self.source.name], steps, self.source.name)
