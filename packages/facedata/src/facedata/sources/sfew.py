"""SFEW 2.0 aligned faces: `{Train/Train_Aligned_Faces, Val/Val_Aligned_Faces}/<Class>/*.png`
(datasets.md section 4). Train -> train, Val -> val; the unlabelled Test folder is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from facedata.sources._common import list_images, relative_key
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.remaps import SFEW_EMOTION

SPLIT_DIRS = {"train": ("Train/Train_Aligned_Faces",), "val": ("Val/Val_Aligned_Faces", "Val/Val_Aligned_Faces_new")}


@register_source("sfew")
class Sfew(SourceAdapter):
    """Capitalized class folders of aligned PNG faces."""

    expected_layout = "Train/Train_Aligned_Faces/<Class>/ and Val/Val_Aligned_Faces/<Class>/"

    def _dirs(self):
        found = [(split, self.root / d) for split, dirs in SPLIT_DIRS.items() for d in dirs if (self.root / d).is_dir()]
        if not found:
            raise LayoutError(f"{self.root} is not an sfew dataset: expected {self.expected_layout}")
        return found

    def check_layout(self) -> None:
        self._dirs()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for split, base in self._dirs():
            for folder in sorted(p for p in base.iterdir() if p.is_dir()):
                for path in list_images(folder):
                    key = relative_key(self, path)
                    if folder.name not in SFEW_EMOTION:
                        yield Rejection(key, key, "unknown_label", f"folder {folder.name!r} is not an SFEW class")
                        continue
                    yield CanonicalRecord(sample_id=f"sfew/{key}", dataset="sfew", split=split,
                                          image_path=str(path), labels={"emotion": SFEW_EMOTION[folder.name]})
