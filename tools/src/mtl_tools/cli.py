"""Entry point of `mtl`. Each file in `mtl_tools.commands` contributes one top-level command.

Adding a command is one new module exposing `command` (a click command or group); nothing here
changes. A module whose optional dependencies are not installed (a bare `mtl-tools` install has
only faceschemas) is skipped, so `mtl --help` always works.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator

import click

from faceschemas.registry import discover
from mtl_tools import __version__, commands
from mtl_tools.errors import UserError


def _discover() -> list[click.Command]:
    """The `command` of every module in `mtl_tools.commands` whose optional packages are installed."""
    names = discover(commands, optional=_OPTIONAL_PACKAGES)
    return [sys.modules[f"{commands.__name__}.{name}"].command for name in names]


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


# TensorFlow's native libraries log through absl before anything calls absl::InitializeLog(), so
# the lines they print while `import tensorflow` runs ("WARNING: All log messages before
# absl::InitializeLog() ...", "I0000 ... oneDNN custom operations are on", "Could not find cuda
# drivers") go straight to file descriptor 2 and ignore TF_CPP_MIN_LOG_LEVEL. They are INFO lines
# of the library's start-up, noise on a user's terminal.
_NATIVE_LOG_LINE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\)"  # absl's own banner
    r"|[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\]"  # glog-style: I0000 00:00:1796167.6 11586 port.cc:153]
    r"|To enable the following instructions: "  # second line of cpu_feature_guard's message
)


@contextlib.contextmanager
def _native_startup_lines_dropped() -> Iterator[None]:
    """Holds fd 2 in a temporary file; on exit writes back every line that is not a native log line.

    Python warnings and anything unexpected are kept (only later, in order); an exception raised
    inside still propagates after fd 2 is restored.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            lines = held.read().decode("utf-8", "replace").splitlines(keepends=True)
            sys.stderr.write("".join(line for line in lines if not _NATIVE_LOG_LINE.match(line)))
            sys.stderr.flush()


class _QuietLoader:
    """Wraps the loader of the `tensorflow` package: its module body runs with start-up lines dropped."""

    def __init__(self, loader: object) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> object:  # resource readers and the rest: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec: object) -> object:
        return self._loader.create_module(spec)  # type: ignore[attr-defined]

    def exec_module(self, module: object) -> None:
        with _native_startup_lines_dropped():
            self._loader.exec_module(module)  # type: ignore[attr-defined]


class _QuietTensorFlowImport:
    """Meta-path finder for the first `import tensorflow`, wherever a command (or tf_keras) does it.

    Commands import TensorFlow lazily so that `mtl --version` and `mtl config` stay instant; this
    catches that one import without importing it early.
    """

    def find_spec(self, name: str, path: object = None, target: object = None) -> object:
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # one import only, and the lookup below must not find us again
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def _quiet_native_logs() -> None:
    """Keeps the native libraries' log lines off a user's terminal; a caller's own setting wins.

    TF_CPP_MIN_LOG_LEVEL=3: TF's C++ logs up to ERROR ("failed call to cuInit" on a machine
    without a GPU; real failures still raise Python exceptions); its start-up lines go unless it
    is 0. GRPC_VERBOSITY=ERROR: gRPC's INFO lines under Beam ("skipping fork() handlers").
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    hooked = any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path)
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] != "0" and "tensorflow" not in sys.modules and not hooked:
        sys.meta_path.insert(0, _QuietTensorFlowImport())


class _NoCloudClientNotice(logging.Filter):
    """Drops Beam's import-time notice that Google Cloud clients are absent (they are optional)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "apitools not found" not in str(record.msg)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user mistakes become one line on stderr and exit status 2."""
    _quiet_native_logs()
    logging.getLogger().addFilter(_NoCloudClientNotice())
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
