"""Entry point of `mtl`. Each file in `mtl_tools.commands` contributes one top-level command.

Adding a command is one new module exposing `command` (a click command or group); nothing here
changes. A module whose optional dependencies are not installed (a bare `mtl-tools` install has
only faceschemas) is skipped, so `mtl --help` always works.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click

from mtl_tools import __version__, commands
from mtl_tools.errors import UserError


def _discover() -> list[click.Command]:
    found = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        try:
            module = importlib.import_module(f"{commands.__name__}.{info.name}")
        except ModuleNotFoundError as err:
            if err.name and err.name.split(".")[0] in _OPTIONAL_PACKAGES:
                continue
            raise
        found.append(module.command)
    return found


_OPTIONAL_PACKAGES = {"facedata", "facemodels", "mtl_methods", "pseudolabel", "facedemo", "facepipelines"}


class _LazyGroup(click.Group):
    """Loads the command modules on first use so `mtl --version` stays instant."""

    def _load(self) -> None:
        if not getattr(self, "_loaded", False):
            for cmd in _discover():
                self.add_command(cmd)
            self._loaded = True

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="mtl")
def mtl() -> None:
    """Multi-task learning of face attributes (emotion, pose, age, gender, smile) from disjoint datasets.

    Each training dataset labels one task; `mtl` prepares the data, trains single-task and
    multi-task methods (All-in-one, DML-LWF, SA-MTL, ...), evaluates and compares them.
    """


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user mistakes become one line on stderr and exit status 2."""
    # TensorFlow's C++ INFO/WARNING lines are noise for a command-line user; a caller can
    # still ask for them by setting the variable.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        status = mtl.main(args=argv, prog_name="mtl", standalone_mode=False)
    except click.Abort:
        click.echo("mtl: aborted", err=True)
        sys.exit(1)
    except click.ClickException as err:
        click.echo(f"mtl: error: {_one_line(err)}", err=True)
        sys.exit(2 if isinstance(err, (click.UsageError, UserError)) else err.exit_code)
    sys.exit(status if isinstance(status, int) else 0)


def _one_line(err: click.ClickException) -> str:
    message = err.format_message().strip().splitlines()[0]
    if isinstance(err, click.UsageError) and err.ctx is not None:
        return f"{err.ctx.command_path}: {message}"
    return message


if __name__ == "__main__":
    main()
