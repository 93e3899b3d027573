"""FER2013 as published on Kaggle: `fer2013.csv` (emotion,pixels,Usage), 48x48 pixel strings.

Also reads `icml_face_data.csv` (header `emotion, Usage, pixels` with spaces). Official splits:
Training -> train, PublicTest -> val, PrivateTest -> test (spec datasets.md section 1).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from facedata.images import encode_png
from facedata.sources._common import read_csv_rows, require
from facedata.sources.base import Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord
from faceschemas.remaps import FER2013_EMOTION

USAGE_SPLITS = {"Training": "train", "PublicTest": "val", "PrivateTest": "test"}
SIDE = 48


def parse_pixels(text: str) -> np.ndarray:
    """The 48x48 uint8 image of a `pixels` field; ValueError with a reason-like message otherwise.

    Values are range-checked before the cast: uint8(300) would silently be 44 (pitfalls).
    """
    try:
        values = np.array([int(v) for v in text.split()], dtype=np.int64)
    except ValueError:
        raise ValueError("bad_pixels: the pixels field holds a non-integer value") from None
    if values.size != SIDE * SIDE:
        raise ValueError(f"bad_pixel_count: {values.size} pixel values instead of {SIDE * SIDE}")
    if values.min() < 0 or values.max() > 255:
        raise ValueError(f"pixel_out_of_range: pixel values span {values.min()}..{values.max()}, not 0..255")
    return values.astype(np.uint8).reshape(SIDE, SIDE)


def fer_row_record(dataset: str, sample_id: str, row: dict, source: str, key: str,
                   label: int | None = None) -> CanonicalRecord | Rejection:
    """One FER2013 CSV row as a record (label from the row unless given)."""
    try:
        image = parse_pixels(row.get("pixels", ""))
        if label is None:
            label = FER2013_EMOTION[int(row["emotion"])]
    except (KeyError, ValueError) as err:
        reason, _, message = str(err).partition(": ")
        if not message:
            reason, message = "unknown_label", f"emotion {row.get('emotion')!r} is not a class 0..6"
        return Rejection(source=source, key=key, reason=reason, message=message)
    return CanonicalRecord(sample_id=sample_id, dataset=dataset, split=USAGE_SPLITS.get(row.get("Usage", "")),
                           image_bytes=encode_png(image), labels={"emotion": label})


@register_source("fer2013")
class Fer2013Csv(SourceAdapter):
    """fer2013.csv (or icml_face_data.csv) in the input folder."""

    expected_layout = "fer2013.csv (columns emotion,pixels,Usage) or icml_face_data.csv"

    def check_layout(self) -> None:
        require(self, "fer2013.csv", "icml_face_data.csv", "fer2013/fer2013.csv")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        path = require(self, "fer2013.csv", "icml_face_data.csv", "fer2013/fer2013.csv")
        for index, row in enumerate(read_csv_rows(path)):
            key = f"row {index + 2}"  # 1-based line number, after the header
            yield fer_row_record("fer2013", f"fer2013/{index:05d}", row, path.name, key)
