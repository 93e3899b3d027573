"""A user's own data as a CSV list: `labels.csv` with a `path` column and one column per task.

Columns: `path` (relative to the folder), any of emotion/pose/age/gender/smile (class index or
class name; empty = unlabelled), optional `split`, optional box `x,y,w,h`, optional continuous
values (`age_years`, `yaw`, `pitch`, `roll`). Option `file` names another CSV; `detect` runs the
face detector on rows without a box.

Paths are normalised before they become ids (`./img/x.png` is `img/x.png`), and a row whose
number of cells differs from the header's is quarantined with its line number.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator

from facedata.sources._common import normalise_relative, read_csv_table, require, safe_image
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
    def _table(self) -> tuple[list[str], list[tuple[int, list[str]]]]:
        return read_csv_table(require(self, self.file))

    @functools.cached_property
    def tasks(self) -> tuple[str, ...]:  # type: ignore[override]
        header, _ = self._table
        return tuple(t for t in TASKS if t in header)

    def check_layout(self) -> None:
        header, rows = self._table
        if not rows or "path" not in header or not self.tasks:
            raise LayoutError(f"{self.root / self.file} needs a 'path' column and at least one task column")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        header, rows = self._table
        for number, cells in rows:
            key = f"line {number}"
            if len(cells) != len(header):
                yield Rejection(source=self.file, key=key, reason="wrong_column_count",
                                message=f"{len(cells)} cells, the header has {len(header)} columns")
                continue
            yield self._record(dict(zip(header, cells, strict=True)), key)

    def _record(self, row: dict, key: str) -> CanonicalRecord | Rejection:
        relative = normalise_relative(row["path"])
        if not relative:
            return Rejection(source=self.file, key=key, reason="missing_path", message="the path cell is empty")
        path = safe_image(self, relative, self.file, key)
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
        return CanonicalRecord(sample_id=f"{self.name}/{relative}{suffix}", dataset=self.name, split=split,
                               image_path=path, box=box, labels=labels, values=values)
