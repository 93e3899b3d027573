"""FER2013 as image folders: `{Training,PublicTest,PrivateTest}/<0..6>/*.jpg` (the original code's
layout, spec 2.2) or Kaggle's `{train,test}/<angry..surprise>/*.jpg` (datasets.md section 1).

Folder names map by name or by the CSV code, never by alphabetical order (`neutral` is 6, not 4).
"""

from __future__ import annotations

from collections.abc import Iterator

from facedata.sources._common import list_images, relative_key
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from facedata.sources.imagefolder import class_index
from faceschemas.record import CanonicalRecord

SPLITS = {"Training": "train", "PublicTest": "val", "PrivateTest": "test", "train": "train", "test": "test"}


@register_source("fer2013_folders")
class Fer2013Folders(SourceAdapter):
    """Class folders of 48x48 JPEGs under split folders."""

    tasks = ("emotion",)
    expected_layout = "Training/, PublicTest/, PrivateTest/ (or train/, test/) holding one folder per class"

    def _split_dirs(self):
        found = [(SPLITS[p.name], p) for p in sorted(self.root.glob("*")) if p.is_dir() and p.name in SPLITS]
        if not found:
            raise LayoutError(f"{self.root} is not a fer2013_folders dataset: expected {self.expected_layout}")
        return found

    def check_layout(self) -> None:
        self._split_dirs()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for split, split_dir in self._split_dirs():
            for folder in sorted(p for p in split_dir.iterdir() if p.is_dir()):
                label = class_index("emotion", folder.name)
                for path in list_images(folder):
                    key = relative_key(self, path)
                    if label is None:
                        yield Rejection(key, key, "unknown_label", f"folder {folder.name!r} is not an emotion")
                    else:
                        yield CanonicalRecord(sample_id=f"fer2013/{key}", dataset="fer2013", split=split,
                                              image_path=str(path), labels={"emotion": label})
