"""One target refresh: inference over the training sets, then a provider per missing task.

Shared by the alternating strategy (the current dataset only, every epoch; spec 5.3, 6.8) and the
joint strategy (every dataset, every N epochs; spec 6.8 "joint, intended"). Each training set is
passed through the model at most once per refresh (spec 6.8 [REC]): the images lacking a task's
label (U) give that task's logits and head features, and a task's gold-labelled set (L) gives the
same head's features for the distribution weight, in the same pass when a set is both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from mtl_methods.data import DataSource
from mtl_methods.runs import pseudo_key
from mtl_methods.targets import ProviderContext, TargetProvider


@dataclass
class Refresh:
    """What one refresh produced: notes for metrics.jsonl and CSV columns per task."""

    notes: dict = field(default_factory=dict)
    tables: dict[str, list[dict[str, np.ndarray]]] = field(default_factory=dict)


def logits_key(provider: TargetProvider, task: str) -> str:
    """The model output a provider makes targets from: `{task}_logits` unless it names another."""
    return f"{task}_{getattr(provider, 'logits_output', 'logits')}"


def _labelled_source(task: str, sources: list[DataSource]) -> DataSource:
    return next(s for s in sources if task in s.tasks)


def _pass_keys(unlabelled: list[DataSource], sources: list[DataSource], tasks, provider) -> dict[str, set]:
    """The outputs each source's single inference pass must return."""
    keys: dict[str, set] = {}
    for source in unlabelled:
        for task in (t for t in tasks if t not in source.tasks):
            keys.setdefault(source.name, set()).add(logits_key(provider, task))
            if provider.needs_features:
                keys[source.name].add(f"{task}_features")
            if provider.needs_labelled_features:
                keys.setdefault(_labelled_source(task, sources).name, set()).add(f"{task}_features")
    return keys


def refresh(unlabelled: list[DataSource], sources: list[DataSource], tasks, provider: TargetProvider,
            tables: dict, infer: Callable, epoch: int, seed: int) -> Refresh:
    """Targets of every task each source in `unlabelled` lacks, written into `tables`."""
    by_name = {s.name: s for s in sources}
    outputs = {name: infer(by_name[name].eval_train(), sorted(keys))
               for name, keys in _pass_keys(unlabelled, sources, tasks, provider).items()}
    result = Refresh()
    for source in unlabelled:
        out = outputs[source.name]
        for task in (t for t in tasks if t not in source.tasks):
            gold = outputs.get(_labelled_source(task, sources).name, {})
            context = ProviderContext(
                task, source.name, epoch, out["ids"], out[logits_key(provider, task)], out.get(f"{task}_features"),
                gold.get(f"{task}_features") if provider.needs_labelled_features else None,
                source.true_labels(task, out["ids"]), seed=seed,
            )
            provided = provider(context)
            tables[task].insert(tf.constant(out["ids"]), tf.constant(provided.packed()))
            _record(result, task, source.name, provided)
    return result


def _record(result: Refresh, task: str, dataset: str, provided) -> None:
    result.notes[f"targets_{task}"] = result.notes.get(f"targets_{task}", 0) + int(np.sum(provided.has_label))
    result.notes |= {pseudo_key(task, dataset, k): v for k, v in provided.diagnostics.items()}
    if provided.table:
        result.tables.setdefault(task, []).append({"dataset": np.full(len(provided.target), dataset)}
                                                  | provided.table)
