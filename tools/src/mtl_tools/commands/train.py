"""`mtl train`: train STL, joint or alternating MTL from clean or original research flags."""

from __future__ import annotations

import os

import click

from faceschemas.catalogue import component_names
from faceschemas.flags import ConfigError, resolve
from faceschemas.layouts import RunLayout
from mtl_tools.checks import require_trainable
from mtl_tools.errors import UserError, user_errors

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "allow_interspersed_args": True}


@click.command("train", context_settings=_PASS_THROUGH)
@click.option("--method", type=click.Choice(component_names("strategies")), help="Training strategy.")
@click.option("--tasks", help="Task letters, e.g. EP (Emotion, Pose, Age, Gender, Smile).")
@click.option("--preset", help="Method preset (mtl list presets): all-in-one, sa-mtl, dcn-ap, ...")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False), help="Continue the run in RUN_DIR.")
@click.option("--runs-dir", default="runs", show_default=True, help="Where new run folders go.")
@click.option("--run-name", help="Name of the new run folder (default <timestamp>-<method>-<tasks>).")
@click.option("--data-root", help="Folder of prepared datasets (default: $MTL_DATA, data/benchmark, data).")
@click.option("--checkpoint-every", type=click.IntRange(min=1), help="Also checkpoint every N steps.")
@click.option("--progress/--quiet", default=None, help="Progress bar (default: only on a terminal).")
@click.argument("flags", nargs=-1, type=click.UNPROCESSED)
@user_errors(ConfigError)
def command(method, tasks, preset, resume_dir, runs_dir, run_name, data_root, checkpoint_every, progress, flags) -> None:
    """Train a model; FLAGS are clean flags (--epochs 10) or the original research flags.

    Published command lines run unchanged, e.g. `mtl train python ALTERNATIVE_EP.py
    --dataset_emotion=expw --dataset_pose=aflw --is_distilled=True --distill_t=1 ...`.
    A run folder runs/<timestamp>-<method>-<tasks>/ receives config.json first, then
    metrics.jsonl, checkpoints, report.json, confusion matrices and model.keras.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mtl_methods.runs import RunFolder
    from mtl_tools import wiring

    if resume_dir:
        if flags or method or tasks or preset or run_name:
            raise UserError(f"--resume: the run's {RunLayout.CONFIG} decides every setting; give no other flags")
        run = _existing_run(RunFolder, resume_dir)
        config = run.config()
    else:
        resolution = resolve(flags, method=method, tasks=tasks, preset=preset)
        for note in resolution.notes:
            click.echo(f"note: {note}", err=True)
        config = resolution.config
    require_trainable(config, data_root, None if resume_dir else runs_dir)  # user mistakes: one line, exit 2
    sources = _user_step(wiring.build_sources, config, data_root)
    if not resume_dir:
        run = _user_step(RunFolder.create, runs_dir, config, run_name)
    click.echo(f"run: {run.path} ({config.paper_method})", err=True)
    report = _train(wiring, config, sources, run, bool(resume_dir), checkpoint_every, progress)
    if report is not None:
        for m in report.metrics:
            click.echo(f"{m.split:5s} {m.ground_truth:6s} {m.task:8s} {m.dataset:20s} acc={m.accuracy:.4f} "
                       f"mean-class={m.mean_class_accuracy:.4f} n={m.count}")
    click.echo(str(run.path))


def _existing_run(run_folder_cls, path):
    try:
        run = run_folder_cls(path)
        run.config()
    except ValueError as err:
        raise UserError(f"--resume: {err}") from None
    return run


def _user_step(func, *args):
    try:
        return func(*args)
    except (ValueError, FileNotFoundError) as err:
        raise UserError(str(err).splitlines()[0]) from None


def _train(wiring, config, sources, run, resume, checkpoint_every, progress):
    from mtl_methods.experiment import train
    from mtl_methods.trainer import TrainerOptions

    distribution = wiring.distribution(config.training.distribute)
    with distribution.scope():
        model = wiring.build_model(config)
        if config.init_from:
            _user_step(wiring.init_from, model, config.init_from)
    options = TrainerOptions(checkpoint_every=checkpoint_every, progress=progress)
    return train(config, model, sources, run, resume=resume, mixer=wiring.mixer(),
                 backbone=wiring.backbone_selector(), options=options,
                 distribution=None if config.training.distribute == "none" else distribution)
