"""One experiment end to end: strategy + trainer + final report, from a validated config."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

import tensorflow as tf
import tf_keras as keras

from faceschemas.config import ExperimentConfig
from faceschemas.report import RunReport, TaskMetrics, Timings
from mtl_methods.data import DataSource, Mixer
from mtl_methods.evaluation import evaluate_against_truth, evaluate_sources
from mtl_methods.providers import provider_for
from mtl_methods.runs import RunFolder
from mtl_methods.strategies import build_strategy
from mtl_methods.trainer import Trainer, TrainerOptions, default_backbone


def make_trainer(config: ExperimentConfig, model, sources: list[DataSource], run: RunFolder, *,
                 mixer: Mixer | None = None, backbone=default_backbone,
                 options: TrainerOptions | None = None,
                 distribution: tf.distribute.Strategy | None = None) -> Trainer:
    """The trainer of `config` for an injected model and data sources."""
    training = config.training
    distribute = distribution.experimental_distribute_dataset if distribution is not None else None
    strategy = build_strategy(
        config.method, tasks=tuple(config.tasks), sources=sources, batch_size=training.batch_size,
        seed=config.seed, steps_per_epoch=training.steps_per_epoch, mixer=mixer,
        provider=provider_for(config), ratio=training.mix, distribute=distribute,
        refresh_every=config.pseudo.every_epochs, refresh_warmup=config.pseudo.warmup_epochs,
    )
    return Trainer(model, strategy, config, run, backbone, options, distribution)


def train(config: ExperimentConfig, model, sources: list[DataSource], run: RunFolder, *,
          resume: bool = False, **kwargs) -> RunReport | None:
    """Trains (or resumes) and writes report.json, confusion CSVs and model.keras at the end.

    Returns None when the call stopped early on purpose (`TrainerOptions.stop_after_epochs`).
    """
    trainer = make_trainer(config, model, sources, run, **kwargs)
    if resume and not trainer.resume():
        print("warning: no readable checkpoint to resume from; starting from the beginning", flush=True)
    trainer.fit()
    state = trainer.state
    if int(state.epoch.numpy()) < config.training.epochs and not bool(state.stopped.numpy()):
        return None
    return finish(trainer)


def finish(trainer: Trainer) -> RunReport:
    """Best validation weights, metrics on val and test, report.json, confusions, model.keras."""
    best = trainer.restore_best()
    start = time.perf_counter()
    metrics: list[TaskMetrics] = []
    for split in ("val", "test"):
        metrics += evaluate_sources(trainer.predictor, trainer.strategy.sources, split)
    # On the built-in benchmark every task is also scored on every dataset's test images from the
    # hidden truth (cross-domain columns), here, so report.json is complete when it is first written.
    for source in trainer.strategy.sources:
        if source.truth is not None and source.test is not None:
            metrics += evaluate_against_truth(trainer.predictor, source.test, source.truth, source.name, "test")
    images = trainer.train_seconds and _images_per_second(trainer)
    report = build_report(trainer.config, trainer.run, metrics, int(trainer.state.epoch.numpy()), best,
                          Timings(train_seconds=trainer.train_seconds,
                                  eval_seconds=time.perf_counter() - start,
                                  train_images_per_second=images or None))
    for m in metrics:
        trainer.run.write_confusion(m, suffix="_hidden" if m.ground_truth == "hidden" else "")
    trainer.run.write_report(report)
    trainer.model.save(trainer.run.model_path)
    return report


def _images_per_second(trainer: Trainer) -> float | None:
    rates = [r["images_per_second"] for r in trainer.run.read_metrics() if r.get("images_per_second")]
    return sum(rates) / len(rates) if rates else None


def build_report(config: ExperimentConfig, run: RunFolder, metrics: list[TaskMetrics], epochs: int,
                 best: int | None, timings: Timings) -> RunReport:
    return RunReport(
        run_id=run.path.name, method=config.method, paper_method=config.paper_method, preset=config.preset,
        tasks=tuple(config.tasks), backbone=config.backbone, seed=config.seed,
        created_at=datetime.now(timezone.utc), epochs_completed=epochs, best_epoch=best,
        metrics=metrics, timings=timings, versions=versions(),
    )


def versions() -> dict[str, str]:
    found = {"tensorflow": tf.__version__, "tf_keras": keras.__version__}
    for package in ("faceschemas", "mtl-methods", "facedata", "facemodels"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found
