"""A user's own data as a CSV list: `labels.csv` with a `path` column and one column per task.

Columns: `path` (relative to the folder), any of emotion/pose/age/gender/smile (class index or
class name; empty = unlabelled), optional `split`, optional box `x,y,w,h`, optional continuous
values (`age_years`, `yaw`, `pitch`, `roll`). Option `file` names another CSV; `detect` runs the
face detector on rows without a box.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator

from facedata.sources._common import read_csv_rows, require, safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from facedata.sources.imagefolder import SPLIT_FOLDERS, class_index
from faceschemas.record import CanonicalRecord, FaceBox
from faceschemas.tasks import TASKS

VALUE_COLUMNS = tuple(v for spec in TASKS.values() for v in spec.continuous_values)


@register_source("csv")
class CsvList(SourceAdapter):
    """labels.csv (path + task columns) beside the images."""

    expected_layout = "labels.csv with a 'path' column and task columns (emotion, pose, age, gender, smile)"

    def __init__(self, root, **options) -> None:
        super().__init__(root, **options)
        self.file = str(options.get("file", "labels.csv"))
        self.detect_faces = bool(options.get("detect", False))

    @functools.cached_property
    def tasks(self) -> tuple[str, ...]:  # type: ignore[override]
        header = read_csv_rows(require(self, self.file))[:1]
        return tuple(t for t in TASKS if header and t in header[0])

    def check_layout(self) -> None:
        rows = read_csv_rows(require(self, self.file))
        if not rows or "path" not in rows[0] or not self.tasks:
            raise LayoutError(f"{self.root / self.file} needs a 'path' column and at least one task column")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        for index, row in enumerate(read_csv_rows(self.root / self.file)):
            yield self._record(row, f"line {index + 2}")

    def _record(self, row: dict, key: str) -> CanonicalRecord | Rejection:
        path = safe_image(self, row["path"], self.file, key)
        if isinstance(path, Rejection):
            return path
        labels = {}
        for task in self.tasks:
            if row.get(task, ""):
                labels[task] = class_index(task, row[task])
                if labels[task] is None:
                    return Rejection(source=self.file, key=key, reason="unknown_label",
                                     message=f"{task} {row[task]!r} is not a class of {task}")
        try:
            values = {v: float(row[v]) for v in VALUE_COLUMNS if row.get(v, "")}
            box = FaceBox(**{k: float(row[k]) for k in "xywh"}) if row.get("x", "") else None
        except (ValueError, KeyError) as err:
            return Rejection(source=self.file, key=key, reason="bad_value", message=f"unreadable number: {err}")
        split = SPLIT_FOLDERS.get(row.get("split", "").lower())
        values = {k: v for k, v in values.items() if not math.isnan(v)}
        # Several faces of one image are rows with different boxes: the box is part of the id.
        suffix = f"#{box.x:g},{box.y:g},{box.w:g},{box.h:g}" if box else ""
        return CanonicalRecord(sample_id=f"{self.name}/{row['path']}{suffix}", dataset=self.name, split=split,
                               image_path=path, box=box, labels=labels, values=values)
