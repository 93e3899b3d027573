"""CelebA: `list_attr_celeba.txt` (Smiling, Male), `list_eval_partition.txt` (official splits),
`list_bbox_celeba.txt` (datasets.md section 8), files flat or under Anno/ and Eval/.

Default: the aligned crops in `img_align_celeba/`, used whole (the bbox belongs to the
in-the-wild images). Option `wild=True`: `img_celeba/` cropped by the bbox.
"""

from __future__ import annotations

from collections.abc import Iterator

from facedata.sources._common import require, safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord, FaceBox
from faceschemas.remaps import CELEBA_BINARY, CELEBA_GENDER_ATTRIBUTE, CELEBA_SMILE_ATTRIBUTE

PARTITIONS = {"0": "train", "1": "val", "2": "test"}


def read_table(path) -> tuple[list[str], dict[str, list[str]]]:
    """(column names, {image: values}) of a file with a count line, then a header line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[1].split()
    return header, {parts[0]: parts[1:] for parts in (line.split() for line in lines[2:]) if parts}


@register_source("celeba")
class CelebA(SourceAdapter):
    """Anno/list_attr_celeba.txt, Eval/list_eval_partition.txt and the image folder."""

    expected_layout = "list_attr_celeba.txt, list_eval_partition.txt and img_align_celeba/ (flat or Anno/, Eval/, Img/)"

    def _files(self):
        attrs = require(self, "list_attr_celeba.txt", "Anno/list_attr_celeba.txt")
        parts = require(self, "list_eval_partition.txt", "Eval/list_eval_partition.txt")
        folder = "img_celeba" if self.options.get("wild") else "img_align_celeba"
        images = require(self, folder, f"Img/{folder}")
        return attrs, parts, images

    def check_layout(self) -> None:
        attrs, _, _ = self._files()
        names = read_table(attrs)[0]
        if CELEBA_SMILE_ATTRIBUTE not in names or CELEBA_GENDER_ATTRIBUTE not in names:
            raise LayoutError(f"{attrs} has no Smiling/Male columns; expected {self.expected_layout}")

    def _boxes(self) -> dict[str, list[str]]:
        if not self.options.get("wild"):
            return {}
        return read_table(require(self, "list_bbox_celeba.txt", "Anno/list_bbox_celeba.txt"))[1]

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        attrs, parts, images = self._files()
        names, rows = read_table(attrs)
        smile, male = names.index(CELEBA_SMILE_ATTRIBUTE), names.index(CELEBA_GENDER_ATTRIBUTE)
        split_of = dict(line.split()[:2] for line in parts.read_text().splitlines() if line.strip())
        boxes, prefix = self._boxes(), images.relative_to(self.root).as_posix()
        for image, values in rows.items():
            try:
                labels = {"smile": CELEBA_BINARY[int(values[smile])], "gender": CELEBA_BINARY[int(values[male])]}
                box = FaceBox(**dict(zip("xywh", map(float, boxes[image]), strict=True))) if boxes else None
            except (KeyError, ValueError, IndexError, TypeError):
                yield Rejection(attrs.name, image, "unknown_label", "attribute values must be -1 or 1 (and a bbox)")
                continue
            path = safe_image(self, f"{prefix}/{image}", attrs.name, image)
            if isinstance(path, Rejection):
                yield path
                continue
            yield CanonicalRecord(sample_id=f"celeba/{image}", dataset="celeba", split=PARTITIONS.get(split_of.get(image, "")),
                                  image_path=path, box=box, labels=labels)
