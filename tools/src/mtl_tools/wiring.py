"""Builds what the trainer receives by injection: the facemodels model and facedata sources.

`mtl_methods` never imports facedata or facemodels (import-linter); this module is where the
three meet. Dataset names resolve to prepared folders under a data root (a path is used as is).
"""

from __future__ import annotations

import os
from pathlib import Path

from faceschemas.config import ExperimentConfig
from faceschemas.datasets import looks_like_path
from faceschemas.layouts import BenchmarkLayout, DatasetLayout, RunLayout
from faceschemas.registry import Registry

DATA_ROOTS = ("data/benchmark", "data")


def data_roots(data_root: str | None) -> list[Path]:
    """Where dataset names are looked up: --data-root, $MTL_DATA, then data/benchmark and data."""
    roots = [data_root, os.environ.get("MTL_DATA"), *DATA_ROOTS]
    return [Path(r).expanduser() for r in roots if r]


def dataset_dir(name: str, data_root: str | None = None, full_labels: bool = False) -> Path:
    """The prepared folder of a dataset name or path; ValueError naming where it looked.

    With `full_labels` a dataset name resolves to its full-label copy, `<root>/full_labels/<name>`.
    """
    below = Path(BenchmarkLayout.FULL_LABELS, name) if full_labels else Path(name)
    candidates = [Path(name).expanduser()] if looks_like_path(name) else [r / below for r in data_roots(data_root)]
    for path in candidates:
        if (path / DatasetLayout.MANIFEST).is_file():
            return path
    looked = ", ".join(str(p) for p in candidates)
    hint = "mtl data synth --out data/benchmark" + (" --full-labels" if full_labels else "")
    raise ValueError(f"dataset {name}: no prepared data ({DatasetLayout.MANIFEST}) in {looked}; "
                     f"prepare it ({hint}) or give a path")


def by_dataset(config: ExperimentConfig) -> dict[str, list[str]]:
    """Tasks grouped by the dataset that labels them (Adience labels age and gender)."""
    groups: dict[str, list[str]] = {}
    for task in config.tasks:
        groups.setdefault(config.datasets[task], []).append(task)
    return groups


def input_shape(config: ExperimentConfig) -> tuple[int, int, int]:
    import facemodels

    return tuple(facemodels.get_backbone(config.backbone).input_shape)


def build_sources(config: ExperimentConfig, data_root: str | None = None) -> list:
    """One DataSource per dataset of the config, read with facedata at the backbone's input size."""
    import facedata
    from mtl_methods.data import DataSource

    height, _, channels = input_shape(config)
    sources = []
    for name, tasks in by_dataset(config).items():
        folder = dataset_dir(name, data_root, config.full_labels)
        manifest = facedata.read_manifest(folder)
        missing = [t for t in tasks if t not in manifest.tasks]
        if missing:
            raise ValueError(f"dataset {folder}: labels {', '.join(manifest.tasks)}, not {', '.join(missing)}")

        def load(split, training=False, shuffle=False, folder=folder, manifest=manifest):
            if split not in manifest.splits:
                return None
            return facedata.load(folder, split, tasks=config.tasks, image_size=height, channels=channels,
                                 training=training, shuffle=shuffle, seed=config.seed, with_ids=True,
                                 deterministic=config.training.deterministic)

        sources.append(DataSource(
            name=manifest.name, tasks=tuple(tasks),
            train=load("train", training=config.training.augmentation, shuffle=True),
            train_size=manifest.splits["train"].count, val=load("val"), test=load("test"),
            train_eval=load("train"), shuffle_buffer=0,  # facedata shuffles the serialized records
            truth=hidden_truth(folder),  # pseudo-label diagnostics on the built-in benchmark
        ))
    return sources


def build_model(config: ExperimentConfig):
    """The facemodels multi-task model of the config (seeded first, so runs repeat)."""
    import facemodels
    from mtl_methods import determinism

    determinism.configure(config.seed, config.training.deterministic)
    # Decay is AdamW's (decoupled, spec 3.5 [REC]); no L2 in the model on top of it.
    # LEL-LTN (spec 7.3): the shared label embedding and the transfer networks' outputs.
    ltn = config.regularizers.label_transfer
    return facemodels.build_model(config.backbone, config.tasks, dropout=config.training.dropout,
                                  batch_norm=config.training.batch_norm, label_embedding=ltn, label_transfer=ltn)


def init_from(model, run_dir: str) -> None:
    """Copies the trunk of a finished run's model into `model` (multi-task -> single-task)."""
    import facemodels

    source = facemodels.load_model(Path(run_dir) / RunLayout.MODEL)
    facemodels.transfer_trunk(source, model)


def backbone_selector():
    import facemodels

    return lambda model: [facemodels.get_trunk(model)]


def mixer():
    import facedata

    return facedata.mix


def hidden_truth(folder: Path) -> dict[str, dict] | None:
    """The benchmark's hidden truth of a dataset folder, or None for real data."""
    from facedata.synth import load_hidden_truth

    try:
        return load_hidden_truth(folder)
    except FileNotFoundError:
        return None


# `--distribute` values -> the tf.distribute strategy they build (TrainingSettings.distribute).
DISTRIBUTIONS: Registry = Registry("distribution strategy")
DISTRIBUTIONS.add("none", lambda tf: tf.distribute.get_strategy())
DISTRIBUTIONS.add("mirrored", lambda tf: tf.distribute.MirroredStrategy())
DISTRIBUTIONS.add("multiworker", lambda tf: tf.distribute.MultiWorkerMirroredStrategy())


def distribution(kind: str):
    """The tf.distribute strategy of `--distribute` (none: the default strategy)."""
    import tensorflow as tf

    return DISTRIBUTIONS.get(kind)(tf)


def evaluate_run(run_dir: str, data: tuple[str, ...], data_root: str | None, split: str):
    """Scores a finished run's model on datasets (its own by default) and updates report.json.

    Labelled metrics for the tasks each dataset labels; on the built-in benchmark, every task on
    every dataset from the hidden ground truth as well (in-domain and cross-domain).
    """
    import facedata
    import facemodels
    from mtl_methods.data import DataSource
    from mtl_methods.evaluation import Predictor, evaluate_against_truth, evaluate_sources
    from mtl_methods.runs import RunFolder

    run = RunFolder(run_dir)
    config = run.config()
    if not run.model_path.is_file():
        raise ValueError(f"{run_dir}: no {RunLayout.MODEL}; the run has not finished (mtl train --resume {run_dir})")
    predictor = Predictor(facemodels.load_model(run.model_path), tuple(config.tasks))
    height, _, channels = input_shape(config)
    metrics = []
    for name in data or tuple(dict.fromkeys(config.datasets.values())):
        folder = dataset_dir(name, data_root)
        manifest = facedata.read_manifest(folder)
        if split not in manifest.splits:
            raise ValueError(f"dataset {folder}: no split {split!r}; it has {', '.join(manifest.splits)}")
        ds = facedata.load(folder, split, tasks=config.tasks, image_size=height, channels=channels, with_ids=True)
        source = DataSource(manifest.name, tuple(manifest.tasks), ds, 0, **{split: ds})
        metrics += evaluate_sources(predictor, [source], split)
        truth = hidden_truth(folder)
        if truth is not None:
            metrics += evaluate_against_truth(predictor, ds, truth, manifest.name, split)
    return run, _merge_report(run, config, metrics)


def _merge_report(run, config, metrics):
    from faceschemas.report import Timings
    from mtl_methods.experiment import build_report

    key = lambda m: (m.task, m.dataset, m.split, m.ground_truth)  # noqa: E731
    new = {key(m) for m in metrics}
    old = run.read_report() if (run.path / RunLayout.REPORT).is_file() else None
    kept = [m for m in (old.metrics if old else []) if key(m) not in new]
    report = build_report(config, run, kept + metrics, old.epochs_completed if old else 0,
                          old.best_epoch if old else None, old.timings if old else Timings())
    run.write_report(report)
    for m in metrics:
        run.write_confusion(m, suffix="_hidden" if m.ground_truth == "hidden" else "")
    return report
