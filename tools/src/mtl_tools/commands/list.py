"""`mtl list`: show the toolkit's label spaces and method presets."""

from __future__ import annotations

import click

from faceschemas.flags import DESCRIPTION, method_presets
from faceschemas.tasks import TASKS


@click.group("list")
def command() -> None:
    """List tasks and presets."""


@command.command("tasks")
def tasks() -> None:
    """Show every task's letter and canonical classes."""
    for spec in TASKS.values():
        click.echo(f"{spec.letter}  {spec.name:8s} {spec.num_classes} classes  {spec.description}")
        for index, name in enumerate(spec.class_names):
            click.echo(f"     {index}  {name}")
        if spec.continuous_values:
            click.echo(f"     values: {', '.join(spec.continuous_values)}")


@command.command("presets")
def presets() -> None:
    """Show the method presets and the settings each one sets."""
    for name, bundle in method_presets().items():
        settings = ", ".join(f"{k}={v}" for k, v in bundle.items() if k != DESCRIPTION)
        click.echo(f"{name:12s} {bundle.get(DESCRIPTION, '')}\n{'':12s} {settings}")
