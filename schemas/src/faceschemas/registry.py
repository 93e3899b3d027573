"""The one name -> component registry of the toolkit (DESIGN.md conventions; stdlib only).

Every component family (backbones, strategies, target providers, pseudo-label scorers, face
detectors, ...) is a `Registry`. Duplicates raise, an unknown name answers with the known names,
and `discover` imports every module of a component folder so that adding a component is one new
file with one registration decorator, never an if/elif chain.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Collection, Iterator
from types import ModuleType
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownNameError(KeyError, ValueError):
    """An unknown component name; its message lists the known names.

    It is both a KeyError (a failed lookup) and a ValueError (a bad user value), so callers that
    turn ValueErrors into one-line user errors catch it too. No KeyError quoting in `str()`.
    """

    def __str__(self) -> str:
        return str(self.args[0])


class DuplicateNameError(ValueError):
    """A second component registered under a name that is taken."""


class Registry(Generic[T]):
    """Maps names to the components of one family, in registration order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        """Registers `item` under `name`; DuplicateNameError when the name is taken."""
        if name in self._items:
            raise DuplicateNameError(f"{self.kind} {name!r} is already registered")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of `add`."""
        return lambda item: self.add(name, item)

    def get(self, name: str) -> T:
        """The component called `name`; UnknownNameError listing the known names otherwise."""
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise UnknownNameError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def remove(self, name: str) -> None:
        """Unregisters `name` (tests that register a throwaway component clean up with it)."""
        self._items.pop(name, None)

    def names(self) -> list[str]:
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def discover(package: ModuleType | str, *, optional: Collection[str] = ()) -> list[str]:
    """Imports every module and sub-package of `package` (a component folder); returns their names.

    Modules whose name starts with an underscore are private helpers and are skipped. A module
    that fails with ModuleNotFoundError for one of the `optional` top-level packages (an extra
    that is not installed) is skipped too, and left out of the names; any other error raises.
    """
    if isinstance(package, str):
        package = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{package.__name__}.{info.name}")
        except ModuleNotFoundError as err:
            if err.name and err.name.split(".")[0] in optional:
                continue
            raise
        found.append(info.name)
    return found
