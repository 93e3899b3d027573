"""Adience: tab-separated `fold_{0..4}_data.txt` with the aligned crops
`faces/<user_id>/coarse_tilt_aligned_face.<face_id>.<original_image>` (datasets.md section 6).

Folds are kept as splits `fold_0`..`fold_4` (5-fold protocol). Age: the 8 canonical ranges map
to their group; a bare number is an age in years (kept as `age_years`, grouped); other ranges
such as "(25, 23)" go to the group of their midpoint; "None" is unlabelled. Gender f/m; u or
empty is unlabelled. A row with neither label is rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from facedata.sources._common import require, safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.remaps import ADIENCE_AGE_GROUPS, ADIENCE_GENDER
from faceschemas.tasks import age_years_to_group

RANGE = re.compile(r"^\(\s*(\d+)\s*,\s*(\d+)\s*\)$")


def parse_age(text: str) -> tuple[int | None, float | None]:
    """(group, years) of an Adience age field; (None, None) for None/empty; ValueError otherwise."""
    text = text.strip()
    if text in ("", "None"):
        return None, None
    if text in ADIENCE_AGE_GROUPS:
        return ADIENCE_AGE_GROUPS[text], None
    if match := RANGE.match(text):
        return age_years_to_group((int(match[1]) + int(match[2])) / 2), None
    years = float(text)
    return age_years_to_group(years), years


@register_source("adience")
class Adience(SourceAdapter):
    """fold_*_data.txt plus faces/<user_id>/coarse_tilt_aligned_face.*."""

    expected_layout = "fold_0_data.txt ... fold_4_data.txt (tab-separated) and faces/<user_id>/"

    def _folds(self):
        folds = sorted(self.root.glob("fold_[0-9]_data.txt"))
        if not folds:
            raise LayoutError(f"{self.root} is not an adience dataset: expected {self.expected_layout}")
        return folds

    def check_layout(self) -> None:
        self._folds()
        require(self, "faces")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for fold in self._folds():
            with open(fold, newline="", encoding="utf-8") as src:
                for number, row in enumerate(csv.DictReader(src, delimiter="\t"), start=2):
                    yield self._record(row, fold.name, f"line {number}", fold.stem.removesuffix("_data"))

    def _record(self, row: dict, source: str, key: str, split: str) -> CanonicalRecord | Rejection:
        try:
            group, years = parse_age(row.get("age") or "")
            user, face_id, image = row["user_id"], row["face_id"], row["original_image"]
        except (ValueError, KeyError, TypeError):
            return Rejection(source, key, "unknown_label", f"unreadable row: age {row.get('age')!r}")
        labels = {"age": group} if group is not None else {}
        gender = ADIENCE_GENDER.get((row.get("gender") or "").strip())
        if gender is not None:
            labels["gender"] = gender
        if not labels:
            return Rejection(source, key, "no_label", "neither age nor gender is known")
        path = safe_image(self, f"faces/{user}/coarse_tilt_aligned_face.{face_id}.{image}", source, key)
        if isinstance(path, Rejection):
            return path
        values = {"age_years": years} if years is not None else {}
        return CanonicalRecord(sample_id=f"adience/{user}/{face_id}/{image}", dataset="adience", split=split,
                               image_path=path, labels=labels, values=values)
