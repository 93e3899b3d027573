"""Adapter for the raw layout written by the built-in benchmark (`mtl data synth`).

Layout: `labels.csv` with columns `sample_id,file,split` followed by one column per labelled
task (canonical class indices) and, for pose, `yaw` in degrees; images under `images/`.
`truth.csv` beside it is the hidden truth and is never read here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.layouts import BenchmarkLayout
from faceschemas.record import CanonicalRecord
from faceschemas.tasks import TASKS

REQUIRED = ("sample_id", "file", "split")
VALUE_COLUMNS = ("yaw",)


@register_source("synth")
class SynthSource(SourceAdapter):
    """Reads `<raw>/<dataset>/labels.csv`; labels only the tasks that have a column."""

    tasks = tuple(TASKS)
    expected_layout = (f"{BenchmarkLayout.RAW_LABELS} (sample_id,file,split,<task columns>) and "
                       f"{BenchmarkLayout.RAW_IMAGES}/*.png")

    def __init__(self, root, **options: object) -> None:
        super().__init__(root, **options)
        self.dataset = str(options.get("dataset_name") or self.root.name)
        header = self._header()
        # An instance labels only the tasks its labels.csv has columns for.
        self.tasks = tuple(t for t in TASKS if t in header)

    def _header(self) -> list[str]:
        path = self.root / BenchmarkLayout.RAW_LABELS
        if not path.is_file():
            return []
        with open(path, newline="") as src:
            return next(csv.reader(src), [])

    def check_layout(self) -> None:
        header = self._header()
        if not header:
            raise LayoutError(f"{self.root}: expected {self.expected_layout}; {BenchmarkLayout.RAW_LABELS} is missing or empty")
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise LayoutError(f"{self.root / BenchmarkLayout.RAW_LABELS}: line 1 lacks columns {', '.join(missing)}")
        if not self.tasks:
            raise LayoutError(f"{self.root / BenchmarkLayout.RAW_LABELS}: line 1 names no task column ({', '.join(TASKS)})")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        self.check_layout()
        path = self.root / BenchmarkLayout.RAW_LABELS
        with open(path, newline="") as src:
            for line, row in enumerate(csv.DictReader(src), start=2):
                yield self._record(row, f"{path}", str(line))

    def _record(self, row: dict, source: str, key: str) -> CanonicalRecord | Rejection:
        try:
            labels = {t: self._label(t, row[t]) for t in self.tasks}
            values = {v: float(row[v]) for v in VALUE_COLUMNS if row.get(v) not in (None, "")}
        except (ValueError, TypeError) as err:
            return Rejection(source, key, "bad_label", f"line {key}: {err}")
        try:
            image = self.resolve_image(row["file"] or "")
        except ValueError as err:
            return Rejection(source, key, "bad_path", f"line {key}: {err}")
        return CanonicalRecord(sample_id=row["sample_id"], dataset=self.dataset, split=row["split"] or None,
                               image_path=image, labels=labels, values=values)

    @staticmethod
    def _label(task: str, text: str) -> int:
        label = int(text)
        if not 0 <= label < TASKS[task].num_classes:
            raise ValueError(f"{task} label {label} outside 0..{TASKS[task].num_classes - 1}")
        return label
