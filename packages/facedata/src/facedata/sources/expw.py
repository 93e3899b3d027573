"""ExpW: `label/label.lst` lines `image_name face_id top left right bottom confidence expression`
over the full images in `image/origin/` (datasets.md section 3).

One record per face, cropped by its own box (the original code kept one crop per image, spec
2.2 [BUG]); sample id `expw/<stem>_<face_id>`, so exact duplicate lines become duplicate ids.
Option `min_confidence` drops faces whose detector score is lower (default: keep all).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from facedata.sources._common import require, safe_image
from facedata.sources.base import Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord, FaceBox
from faceschemas.remaps import EXPW_EMOTION


@register_source("expw")
class ExpW(SourceAdapter):
    """label/label.lst plus image/origin/*.jpg."""

    expected_layout = "label/label.lst and image/origin/<image_name>"

    def check_layout(self) -> None:
        require(self, "label/label.lst")
        require(self, "image/origin")

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        lines = (self.root / "label" / "label.lst").read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield self._record(line.split(), f"line {number}")

    def _record(self, fields: list[str], key: str) -> CanonicalRecord | Rejection:
        if len(fields) != 8:
            return Rejection("label.lst", key, "bad_line", f"{len(fields)} fields instead of 8")
        name, face_id, *numbers = fields
        try:
            top, left, right, bottom = (float(v) for v in numbers[:4])
            confidence, label = float(numbers[4]), EXPW_EMOTION[int(numbers[5])]
        except (ValueError, KeyError):
            return Rejection("label.lst", key, "unknown_label", f"unreadable box or expression in {fields}")
        minimum = self.options.get("min_confidence")
        if minimum is not None and confidence < float(minimum):
            return Rejection("label.lst", key, "low_confidence", f"face confidence {confidence} < {minimum}")
        path = safe_image(self, f"image/origin/{name}", "label.lst", key)
        if isinstance(path, Rejection):
            return path
        return CanonicalRecord(
            sample_id=f"expw/{Path(name).stem}_{face_id}", dataset="expw", image_path=path,
            box=FaceBox(x=left, y=top, w=right - left, h=bottom - top), labels={"emotion": label})
