"""Joint training: All-in-one, and the joint pseudo-label baselines (spec 5.2 done right, 6.8, 10.12).

Every batch holds every dataset by the mixing ratio (proportional or balanced), each with at least
one image; an epoch is a full pass over every dataset, so no tail is dropped. The mixer is injected
(`facedata.mix` in the CLI; `data.interleave_mix` by default). With a target provider, every N
epochs (`--pseudo-every`) one inference pass over each training set gives the targets of the
tasks it lacks, in the same checkpointed per-sample tables as alternating training.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mtl_methods.data import interleave_mix, mix_shares, mix_steps, shuffled
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy


@STRATEGIES.register("joint")
class JointStrategy(Strategy):
    """Mixes all datasets in every batch; missing labels stay masked (naive, All-in-one)."""

    name = "joint"

    def check(self) -> None:
        super().check()
        if len(self.sources) < 2:
            raise ValueError("joint training mixes at least two datasets")

    def build(self) -> None:
        sizes = {s.name: s.train_size for s in self.sources}
        parts = {s.name: shuffled(s, self.tasks, self.seed + i) for i, s in enumerate(self.sources)}
        mixer = self.mixer or interleave_mix
        mixed = mixer(parts, sizes, self.batch_size, self.ratio, self.seed)
        # A finite mixer (facedata.mix) says how many steps one epoch has; an endless one does not.
        known = int(mixed.cardinality())
        self._natural = known if known > 0 else mix_steps(sizes, mix_shares(sizes, self.batch_size, self.ratio))
        self.iterators = {"mix": self.iterator_for(mixed.repeat().prefetch(2))}
        self.build_tables()

    def prepare_epoch(self, epoch: int, infer: Callable) -> dict[str, Any]:
        """Targets for every dataset's missing tasks, every `refresh_every` epochs after the warm-up."""
        self.refreshed = {}
        if self.provider is None or self.warming_up(epoch) or (epoch - self.refresh_warmup) % self.refresh_every:
            return {}
        lacking = [s for s in self.sources if not set(self.tasks) <= set(s.tasks)]
        return self.run_refresh(lacking, epoch, infer)

    def plan(self, epoch: int) -> EpochPlan:
        name = "+".join(s.name for s in self.sources)
        return EpochPlan(self.iterators["mix"], self._steps(self._natural), name)
