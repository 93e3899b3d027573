"""What every training strategy provides to the trainer loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tensorflow as tf

from faceschemas.registry import Registry
from faceschemas.tasks import TASKS
from mtl_methods.data import DataSource
from mtl_methods.refresh import refresh

STRATEGIES: Registry = Registry("strategy")


@dataclass
class EpochPlan:
    """The batches of one epoch: where they come from and how many."""

    iterator: Any
    steps: int
    dataset: str  # the dataset (or "+"-joined mix) this epoch trains on


class Strategy:
    """Base strategy: owns long-lived iterators (checkpointed for exact resume, spec pitfalls).

    Subclasses build `self.iterators` in `build` and choose one in `plan`.
    """

    name = "base"

    def __init__(
        self,
        tasks: tuple[str, ...],
        sources: list[DataSource],
        batch_size: int,
        seed: int = 0,
        steps_per_epoch: int | None = None,
        mixer: Callable | None = None,
        provider: Any = None,
        ratio: str = "proportional",
        distribute: Callable[[tf.data.Dataset], Any] | None = None,
        refresh_every: int = 1,
        refresh_warmup: int = 0,
    ) -> None:
        self.tasks, self.sources, self.batch_size, self.seed = tasks, sources, batch_size, seed
        self.steps_per_epoch, self.mixer, self.provider, self.ratio = steps_per_epoch, mixer, provider, ratio
        self._distribute = distribute or (lambda ds: ds)
        self.refresh_every, self.refresh_warmup = refresh_every, refresh_warmup
        self.iterators: dict[str, Any] = {}
        self.tables: dict[str, tf.lookup.experimental.MutableHashTable] = {}
        self.refreshed: dict[str, list[dict]] = {}  # CSV columns of the last refresh, per task
        self.check()

    def check(self) -> None:
        """Raises ValueError when the sources do not fit the strategy."""
        for task in self.tasks:
            if not any(task in s.tasks for s in self.sources):
                raise ValueError(f"no training dataset labels task {task}")

    def iterator_for(self, ds: tf.data.Dataset) -> Any:
        return iter(self._distribute(ds))

    def build(self) -> None:
        raise NotImplementedError

    def plan(self, epoch: int) -> EpochPlan:
        raise NotImplementedError

    def prepare_epoch(self, epoch: int, infer: Callable) -> dict[str, Any]:
        """Work done at the start of an epoch, before its first step; returns notes for the log.

        A strategy that refreshes targets also leaves the refresh's CSV columns in `refreshed`.
        """
        return {}

    def build_tables(self) -> None:
        """One checkpointed per-sample target table per task, keyed by sample id (spec 2.6 [REC])."""
        if self.provider is None:
            return
        for task in self.tasks:
            width = TASKS[task].num_classes + 3
            self.tables[task] = tf.lookup.experimental.MutableHashTable(
                tf.string, tf.float32, default_value=tf.zeros([width]), name=f"targets_{task}"
            )

    def warming_up(self, epoch: int) -> bool:
        """True before the first refresh (--pseudo-warmup): the missing tasks stay masked."""
        return epoch < self.refresh_warmup

    def run_refresh(self, unlabelled: list[DataSource], epoch: int, infer: Callable) -> dict[str, Any]:
        """Targets for every task the `unlabelled` sources lack; notes for the log."""
        done = refresh(unlabelled, self.sources, self.tasks, self.provider, self.tables, infer, epoch,
                       self.seed * 1_000_003 + epoch)
        self.refreshed = done.tables
        return done.notes

    def trackables(self) -> dict[str, Any]:
        """State to checkpoint beside the model: iterators and per-sample target tables.

        tf.distribute iterators are not trackable: a distributed resume restarts the data order
        (weights, optimizer, counters and tables are still restored).
        """
        items = {f"iterator_{k}": v for k, v in self.iterators.items() if isinstance(v, tf.__internal__.tracking.Trackable)}
        return items | {f"table_{k}": v for k, v in self.tables.items()}

    def _steps(self, natural: int) -> int:
        return self.steps_per_epoch or natural


def build_strategy(name: str, **kwargs: Any) -> Strategy:
    """Instantiates the strategy registered as `name`."""
    return STRATEGIES.get(name)(**kwargs)
