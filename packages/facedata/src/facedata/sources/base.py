"""The source-adapter contract: a raw dataset folder in, canonical records out.

One adapter per raw format, one file each, registered by name. An adapter only parses label
files and points at images; decoding, validation, cropping and writing are the pipeline's job,
so every adapter gets the same quarantine rules for free.
"""

from __future__ import annotations

import abc
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from faceschemas.datasets import DATASET_TASKS
from faceschemas.record import CanonicalRecord
from faceschemas.registry import Registry, UnknownNameError


class LayoutError(ValueError):
    """The input folder is not in the layout this adapter reads; raised before any work starts."""


@dataclass(frozen=True)
class Rejection:
    """A record the adapter could not turn into a CanonicalRecord (bad row, unknown label...)."""

    source: str  # file the record came from
    key: str  # line number, row id or file name inside `source`
    reason: str  # short machine-readable reason, e.g. "unknown_label"
    message: str  # one human sentence


class SourceAdapter(abc.ABC):
    """Reads one raw dataset format.

    `register_source` sets `name` (and `tasks` for a named dataset); a generic format sets `tasks`
    (the tasks it labels). Subclasses set `expected_layout` (a short description shown when
    `check_layout` fails), and implement `check_layout` and `read`.
    """

    name: ClassVar[str]
    tasks: ClassVar[tuple[str, ...]]
    expected_layout: ClassVar[str]

    def __init__(self, root: str | Path, **options: object) -> None:
        self.root = Path(root)
        self.options = options

    @abc.abstractmethod
    def check_layout(self) -> None:
        """Raises LayoutError (one line naming what was expected) if `root` is not this format."""

    @abc.abstractmethod
    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        """Yields one CanonicalRecord per face, or a Rejection for an unusable entry."""

    @functools.cached_property
    def _real_root(self) -> str:
        return os.path.realpath(self.root)

    def resolve_image(self, relative: str) -> str:
        """Joins a path from a label file onto the root, refusing paths that escape the root.

        The check is lexical (`..` segments and absolute paths are refused), so symbolic links
        inside the dataset folder still work: datasets often link their image folders from
        another disk. It runs once per record, so it stays lexical and string-only (no filesystem
        walk, no Path objects).
        """
        root = self._real_root
        path = os.path.normpath(os.path.join(root, relative))
        if not path.startswith(root.rstrip(os.sep) + os.sep):
            raise ValueError(f"path {relative!r} escapes the dataset folder")
        return path


#: Every source adapter class by format name (`mtl data prepare --format NAME`).
SOURCES: Registry[type[SourceAdapter]] = Registry("dataset format")


def register_source(name: str):
    """Class decorator registering an adapter under `name` (and naming it); a duplicate raises.

    An adapter named after a dataset of `faceschemas.datasets` labels the tasks that table gives
    (the contract configs are checked against before any adapter loads), so it declares no
    `tasks` of its own; a generic format (csv, imagefolder, ...) declares them.
    """

    def add(cls: type[SourceAdapter]) -> type[SourceAdapter]:
        if name in DATASET_TASKS:
            if "tasks" in vars(cls):
                raise TypeError(f"adapter {name!r}: its tasks come from faceschemas.datasets, not the class")
            cls.tasks = DATASET_TASKS[name]
        SOURCES.add(name, cls)
        cls.name = name
        return cls

    return add


def get_source(name: str) -> type[SourceAdapter]:
    """The adapter class registered as `name`; UnknownNameError (a ValueError) listing the known names."""
    if name not in SOURCES:  # the known names sorted, not in import order (adapters import each other)
        raise UnknownNameError(f"unknown {SOURCES.kind} {name!r}; known: {', '.join(source_names())}")
    return SOURCES.get(name)


def source_names() -> list[str]:
    """Names of every registered adapter, sorted."""
    return sorted(SOURCES.names())
