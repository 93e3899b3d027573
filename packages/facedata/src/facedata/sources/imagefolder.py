"""A user's own data as class folders: `<root>/[<split>/]<class>/*.jpg`, one task per dataset.

Options: `task` (default emotion), `detect` (run the face detector; default off, i.e. the images
are already face crops). Class folders are canonical class names (any case) or class indices,
so `neutral` is 6, never the alphabetical 4 (spec datasets.md section 1, folder quirk).

Every entry under the root is read or quarantined, never skipped: each file of a class folder
is a record whatever its suffix (decoding decides), a folder inside a class folder is
`not_a_file`, a file outside any class folder is `outside_class_folder`. File names that are not
UTF-8 get their odd bytes percent-escaped in the sample id (`%E9`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from facedata.sources._common import image_source, list_images, relative_key
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
            return [(SPLIT_FOLDERS[s.name.lower()], c) for s in subdirs for c in sorted(s.iterdir())
                    if c.is_dir() and not c.name.startswith(".")]
        return [(None, c) for c in subdirs]

    def check_layout(self) -> None:
        if not any(list_images(folder) for _, folder in self._class_dirs()):
            raise LayoutError(f"{self.root} has no images; expected {self.expected_layout}")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        yield from self._stray_entries()
        for split, folder in self._class_dirs():
            label = class_index(self.task, folder.name)
            for path in sorted(folder.iterdir()):
                yield self._entry(path, split, label)

    def _entry(self, path: Path, split: str | None, label: int | None) -> CanonicalRecord | Rejection:
        key = relative_key(self, path)
        if path.is_dir():
            return Rejection(source=key, key=key, reason="not_a_file",
                             message="a folder inside a class folder is not read (only files are images)")
        if label is None:
            return Rejection(source=key, key=key, reason="unknown_label",
                             message=f"folder {path.parent.name!r} is not a {self.task} class")
        try:
            source = image_source(path)
        except OSError as err:
            return Rejection(source=key, key=key, reason="unreadable_file", message=f"cannot read it: {err}")
        return CanonicalRecord(sample_id=f"{self.name}/{key}", dataset=self.name, split=split,
                               labels={self.task: label}, **source)

    def _stray_entries(self) -> Iterator[Rejection]:
        """Files beside the class (or split) folders, and hidden folders there: quarantined."""
        class_parents = {folder.parent for _, folder in self._class_dirs()} | {self.root}
        for parent in sorted(class_parents):
            for path in sorted(parent.iterdir()):
                if path.is_dir() and not path.name.startswith("."):
                    continue
                key = relative_key(self, path)
                reason = "hidden_folder" if path.is_dir() else "outside_class_folder"
                yield Rejection(source=key, key=key, reason=reason,
                                message="only files inside <class>/ (or <split>/<class>/) folders are read")
