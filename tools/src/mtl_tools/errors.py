"""Turning a user's mistake into one line and exit status 2, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A mistake in the user's input: printed as `mtl: error: <message>` with exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"mtl: error: {self.format_message()}", err=True)


def user_errors(*kinds: type[Exception]) -> Callable[[F], F]:
    """Decorator: exceptions of `kinds` raised by the command become a one-line UserError."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except kinds as err:
                raise UserError(str(err).splitlines()[0] if str(err) else type(err).__name__) from None

        return run  # type: ignore[return-value]

    return wrap
