"""IMDB-WIKI: `imdb.mat` / `wiki.mat` (a 1x1 struct of 1xN fields) beside the `NN/*.jpg` crops
(datasets.md section 7).

Age = photo_taken - birth year, one less when born in July or later (the "taken mid-year"
rule of yu4u/age-gender-estimation); dob is a Matlab datenum (ordinal = datenum - 366). The
usual cleaning rules each give a counted rejection: face_score infinite (no face) or below
`min_score` (default 1.0), a second face (second_face_score > 0), age outside 0..100, unknown
(NaN) gender. The `*_crop` images are already faces, so by default they are used whole;
option `use_box=True` crops by face_location ([x1 y1 x2 y2], 1-based inclusive).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

import numpy as np

from facedata.sources._common import safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord, FaceBox
from faceschemas.remaps import IMDB_WIKI_GENDER
from faceschemas.tasks import age_years_to_group

CANDIDATES = ("imdb.mat", "wiki.mat", "imdb_crop/imdb.mat", "wiki_crop/wiki.mat")
FIELDS = ("dob", "photo_taken", "full_path", "gender", "face_location", "face_score", "second_face_score")


def age_at_photo(dob: float, photo_taken: float) -> int:
    """Age in whole years when the photo was taken (assumed mid-year)."""
    birth = datetime.fromordinal(max(int(dob) - 366, 1))
    return int(photo_taken) - birth.year - (1 if birth.month >= 7 else 0)


@register_source("imdb_wiki")
class ImdbWiki(SourceAdapter):
    """imdb.mat or wiki.mat with the crops in 00/ ... 99/ beside it."""

    expected_layout = "imdb.mat or wiki.mat (IMDB-WIKI metadata) beside the 00/..99/ crop folders"

    def _mat_path(self):
        for relative in CANDIDATES:
            if (self.root / relative).is_file():
                return self.root / relative
        raise LayoutError(f"{self.root} is not an imdb_wiki dataset: expected {self.expected_layout}")

    def _meta(self) -> dict[str, np.ndarray]:
        path = self._mat_path()
        import scipy.io  # here, not at import: every adapter module loads with `facedata.sources`

        mat = scipy.io.loadmat(path)
        db = path.stem
        if db not in mat:
            raise LayoutError(f"{path} has no top-level struct {db!r}; expected {self.expected_layout}")
        struct = mat[db][0, 0]
        missing = [f for f in FIELDS if f not in struct.dtype.names]
        if missing:
            raise LayoutError(f"{path} struct lacks fields {missing}; expected {self.expected_layout}")
        return {f: struct[f][0] for f in FIELDS}

    def check_layout(self) -> None:
        self._meta()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        path = self._mat_path()
        meta = self._meta()
        folder = path.parent.relative_to(self.root).as_posix()
        for i in range(len(meta["full_path"])):
            yield self._record({f: meta[f][i] for f in FIELDS}, path.name, folder, path.stem)

    def _record(self, row: dict, source: str, folder: str, db: str) -> CanonicalRecord | Rejection:
        relative = str(np.ravel(row["full_path"])[0])
        key = relative
        rejection = self._clean(row)
        if rejection:
            return Rejection(source, key, *rejection)
        path = safe_image(self, f"{folder}/{relative}" if folder != "." else relative, source, key)
        if isinstance(path, Rejection):
            return path
        age = age_at_photo(float(row["dob"]), float(row["photo_taken"]))
        box = None
        if self.options.get("use_box"):
            x1, y1, x2, y2 = (float(v) for v in np.ravel(row["face_location"])[:4])
            box = FaceBox(x=x1 - 1, y=y1 - 1, w=x2 - x1 + 1, h=y2 - y1 + 1)
        return CanonicalRecord(
            sample_id=f"imdb_wiki/{db}/{relative}", dataset="imdb_wiki", image_path=path, box=box,
            labels={"age": age_years_to_group(age), "gender": IMDB_WIKI_GENDER[int(row["gender"])]},
            values={"age_years": float(age)})

    def _clean(self, row: dict) -> tuple[str, str] | None:
        score, second = float(row["face_score"]), float(row["second_face_score"])
        minimum = float(self.options.get("min_score", 1.0))
        if math.isinf(score):
            return "no_face", f"face_score is {score} (no face found)"
        if not score >= minimum:
            return "low_face_score", f"face_score {score} < {minimum}"
        if not math.isnan(second) and second > 0:
            return "second_face", f"second_face_score {second} > 0"
        age = age_at_photo(float(row["dob"]), float(row["photo_taken"]))
        if not 0 <= age <= 100:
            return "age_out_of_range", f"age {age} is outside 0..100"
        if math.isnan(float(row["gender"])):
            return "unknown_gender", "gender is NaN"
        return None
