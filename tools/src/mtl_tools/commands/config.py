"""`mtl config`: resolve and check experiment settings, including the original research flags."""

from __future__ import annotations

import json

import click

from faceschemas.catalogue import component_names
from faceschemas.flags import ConfigError, flag_table, resolve
from mtl_tools.errors import user_errors

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "allow_interspersed_args": True}


@click.group("config")
def command() -> None:
    """Resolve and check experiment configurations."""


@command.command("check", context_settings=_PASS_THROUGH)
@click.option("--method", type=click.Choice(component_names("strategies")), help="Training strategy.")
@click.option("--tasks", help="Task letters, e.g. EP (Emotion, Pose, Age, Gender, Smile).")
@click.option("--preset", help="Method preset (mtl list presets): all-in-one, sa-mtl, dcn-ap, ...")
@click.option("--quiet", is_flag=True, help="Print no notes, only the JSON.")
@click.argument("flags", nargs=-1, type=click.UNPROCESSED)
@user_errors(ConfigError)
def check(method: str | None, tasks: str | None, preset: str | None, quiet: bool, flags: tuple[str, ...]) -> None:
    """Resolve FLAGS into the ExperimentConfig a run would use and print it as JSON.

    FLAGS are clean flags (--epochs 10) or the original research flags, copied verbatim
    (--is_pesudo=True --distill_t=2 ...); a leading `python ALTERNATIVE_EP.py` is understood too.
    """
    resolution = resolve(flags, method=method, tasks=tasks, preset=preset)
    if not quiet:
        for note in resolution.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(f"method: {resolution.config.paper_method}", err=True)
    click.echo(json.dumps(resolution.config.model_dump(mode="json"), indent=2))


@command.command("flags")
@click.option("--legacy-only", is_flag=True, help="Only the original research flags.")
def flags_command(legacy_only: bool) -> None:
    """List every accepted flag and the config field it sets."""
    for flag, path, legacy in flag_table():
        if legacy or not legacy_only:
            click.echo(f"{flag:32s} {path:36s} {'original' if legacy else ''}".rstrip())
