"""ChaLearn LAP apparent age (2015/2016) and its APPA-REAL release (datasets.md section 9).

Ground-truth files: LAP style `<split>_gt.csv`/`.txt` with a header and columns image, mean,
stdev (`,` or `;`, sniffed), or APPA-REAL `gt_avg_<split>.csv` (file_name, num_ratings,
apparent_age_avg, apparent_age_std, real_age). Images are `<split>/<name>`. APPA-REAL ships
face crops `<name>_face.jpg`, used when present; otherwise the face is detected (option
`detect`, default: detect when there are no crops). age_years = the mean apparent age.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from facedata.sources._common import read_csv_rows, safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.tasks import age_years_to_group

SPLIT_WORDS = {"train": "train", "valid": "val", "val": "val", "test": "test"}
GT_NAME = re.compile(r"(?:gt_avg_(train|valid|val|test)|(train|valid|val|test)_gt)\.(csv|txt)$", re.IGNORECASE)


@register_source("chalearn_lap")
class ChalearnLap(SourceAdapter):
    """gt_avg_<split>.csv (APPA-REAL) or <split>_gt.csv (LAP) plus <split>/ image folders."""

    expected_layout = "gt_avg_<split>.csv or <split>_gt.csv (image,mean,stdev) with <split>/ image folders"

    def _gt_files(self) -> list[tuple[str, Path]]:
        found = []
        for path in sorted(self.root.iterdir()) if self.root.is_dir() else []:
            if match := GT_NAME.match(path.name):
                found.append(((match[1] or match[2]).lower(), path))
        if not found:
            raise LayoutError(f"{self.root} is not a chalearn_lap dataset: expected {self.expected_layout}")
        return found

    @property
    def detect_faces(self) -> bool:
        if "detect" in self.options:
            return bool(self.options["detect"])
        return not any(self.root.glob("*/*_face.jpg"))

    def check_layout(self) -> None:
        self._gt_files()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for word, path in self._gt_files():
            for number, row in enumerate(read_csv_rows(path), start=2):
                yield self._record(word, path.name, f"line {number}", list(row.values()), row)

    def _folder(self, word: str) -> str:
        for name in (word, word.capitalize(), SPLIT_WORDS[word]):
            if (self.root / name).is_dir():
                return name
        return word

    def _record(self, word: str, source: str, key: str, cells: list[str], row: dict) -> CanonicalRecord | Rejection:
        try:
            name = row.get("file_name") or cells[0]
            mean = float(row.get("apparent_age_avg") or cells[1])
        except (IndexError, ValueError):
            return Rejection(source, key, "unknown_label", f"unreadable row {cells}")
        if not 0 <= mean <= 120:
            return Rejection(source, key, "age_out_of_range", f"apparent age {mean} outside 0..120")
        folder = self._folder(word)
        crop = f"{folder}/{name}_face.jpg"
        relative = crop if (self.root / crop).is_file() and not self.options.get("detect") else f"{folder}/{name}"
        path = safe_image(self, relative, source, key)
        if isinstance(path, Rejection):
            return path
        return CanonicalRecord(sample_id=f"chalearn_lap/{SPLIT_WORDS[word]}/{name}", dataset="chalearn_lap",
                               split=SPLIT_WORDS[word], image_path=path, labels={"age": age_years_to_group(mean)},
                               values={"age_years": mean})
