"""UTKFace: aligned crops named `[age]_[gender]_[race]_[date&time].jpg.chip.jpg` in `UTKFace/`
(datasets.md section 10). Gender 0 male / 1 female (remapped); age 0..116 kept in years and
grouped. Names missing a field (three are known) or with codes out of range are rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from facedata.sources._common import list_images, relative_key
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.remaps import UTKFACE_GENDER
from faceschemas.tasks import age_years_to_group

NAME = re.compile(r"^(\d{1,3})_(\d)_(\d)_(\d+)\.")


@register_source("utkface")
class UtkFace(SourceAdapter):
    """A folder of `age_gender_race_date.jpg.chip.jpg` files."""

    expected_layout = "UTKFace/<age>_<gender>_<race>_<datetime>.jpg.chip.jpg files"

    def _folder(self):
        for folder in (self.root / "UTKFace", self.root):
            if folder.is_dir() and any(p.name.endswith(".jpg") for p in folder.iterdir()):
                return folder
        raise LayoutError(f"{self.root} is not a utkface dataset: expected {self.expected_layout}")

    def check_layout(self) -> None:
        self._folder()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for path in list_images(self._folder()):
            key = relative_key(self, path)
            match = NAME.match(path.name)
            if not match:
                yield Rejection(key, key, "bad_file_name", "name is not age_gender_race_datetime.jpg")
                continue
            age, gender, race = int(match[1]), int(match[2]), int(match[3])
            if gender not in UTKFACE_GENDER or race > 4 or age > 116:
                yield Rejection(key, key, "unknown_label", f"age {age}, gender {gender}, race {race} out of range")
                continue
            yield CanonicalRecord(sample_id=f"utkface/{path.name}", dataset="utkface", image_path=str(path),
                                  labels={"age": age_years_to_group(age), "gender": UTKFACE_GENDER[gender]},
                                  values={"age_years": float(age)})
