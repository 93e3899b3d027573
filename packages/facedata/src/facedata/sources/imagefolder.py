"""A user's own data as class folders: `<root>/[<split>/]<class>/*.jpg`, one task per dataset.

Options: `task` (default emotion), `detect` (run the face detector; default off, i.e. the images
are already face crops). Class folders are canonical class names (any case) or class indices,
so `neutral` is 6, never the alphabetical 4 (spec datasets.md section 1, folder quirk).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from facedata.sources._common import list_images, relative_key
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.tasks import get_task

SPLIT_FOLDERS = {"train": "train", "training": "train", "val": "val", "valid": "val", "validation": "val",
                 "test": "test"}


def class_index(task: str, folder: str) -> int | None:
    """Canonical class of a folder name (name in any case, or an index), None if unknown."""
    names = _lower_class_names(task)
    if folder.lower() in names:
        return names[folder.lower()]
    if folder.isdigit() and int(folder) < len(names):
        return int(folder)
    return None


@functools.cache
def _lower_class_names(task: str) -> dict[str, int]:
    return {name.lower(): index for index, name in enumerate(get_task(task).class_names)}


@register_source("imagefolder")
class ImageFolder(SourceAdapter):
    """Class folders of face images, optionally under train/val/test folders."""

    expected_layout = "<class>/<image> folders (class names or indices), optionally under train/val/test/"

    def __init__(self, root, **options) -> None:
        super().__init__(root, **options)
        self.task = str(options.get("task", "emotion"))
        get_task(self.task)
        self.detect_faces = bool(options.get("detect", False))

    @property
    def tasks(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.task,)

    def _class_dirs(self) -> list[tuple[str | None, Path]]:
        if not self.root.is_dir():
            raise LayoutError(f"{self.root} is not a folder; expected {self.expected_layout}")
        subdirs = sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if subdirs and all(p.name.lower() in SPLIT_FOLDERS for p in subdirs):
            return [(SPLIT_FOLDERS[s.name.lower()], c) for s in subdirs for c in sorted(s.iterdir()) if c.is_dir()]
        return [(None, c) for c in subdirs]

    def check_layout(self) -> None:
        if not any(list_images(folder) for _, folder in self._class_dirs()):
            raise LayoutError(f"{self.root} has no images; expected {self.expected_layout}")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for split, folder in self._class_dirs():
            label = class_index(self.task, folder.name)
            for path in list_images(folder):
                key = relative_key(self, path)
                if label is None:
                    yield Rejection(source=key, key=key, reason="unknown_label",
                                    message=f"folder {folder.name!r} is not a {self.task} class")
                    continue
                yield CanonicalRecord(sample_id=f"{self.name}/{key}", dataset=self.name, split=split,
                                      image_path=str(path), labels={self.task: label})
