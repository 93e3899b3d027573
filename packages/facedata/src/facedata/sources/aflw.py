"""AFLW: the `aflw.sqlite` database read directly, images under `flickr/<filepath>`
(datasets.md section 5). Yaw, pitch and roll are stored in radians; they are kept in degrees
(AFLW's sign) and the pose label is the yaw bin of spec 1.2. One record per face id; a face
with two FaceRect rows appears twice and the second is quarantined as a duplicate id.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator

from facedata.sources._common import require, safe_image
from facedata.sources.base import LayoutError, Rejection, SourceAdapter, register_source
from faceschemas.record import CanonicalRecord, FaceBox
from faceschemas.tasks import yaw_to_bin

QUERY = """
SELECT faceimages.filepath, faces.face_id, facepose.roll, facepose.pitch, facepose.yaw,
       facerect.x, facerect.y, facerect.w, facerect.h
FROM faces
JOIN faceimages ON faces.file_id = faceimages.file_id
JOIN facepose ON faces.face_id = facepose.face_id
JOIN facerect ON faces.face_id = facerect.face_id
ORDER BY faces.face_id
"""
TABLES = ("faces", "faceimages", "facepose", "facerect")


@register_source("aflw")
class Aflw(SourceAdapter):
    """aflw.sqlite plus flickr/<0|2|3>/image*.jpg."""

    expected_layout = "aflw.sqlite (tables Faces, FaceImages, FacePose, FaceRect) and flickr/ (or data/...)"

    def _paths(self):
        db = require(self, "aflw.sqlite", "data/aflw.sqlite", "aflw/data/aflw.sqlite")
        return db, db.parent / "flickr"

    def _connect(self) -> sqlite3.Connection:
        db, _ = self._paths()
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            names = {r[0].lower() for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as err:
            raise LayoutError(f"{db} is not an SQLite database ({err}); expected {self.expected_layout}") from None
        if not set(TABLES) <= names:
            raise LayoutError(f"{db} lacks tables {sorted(set(TABLES) - names)}; expected {self.expected_layout}")
        return con

    def check_layout(self) -> None:
        self._connect().close()

    def read(self) -> Iterator[CanonicalRecord | Rejection]:
        _, images = self._paths()
        prefix = images.relative_to(self.root).as_posix()
        con = self._connect()
        try:
            for row in con.execute(QUERY):
                yield self._record(prefix, *row)
        finally:
            con.close()

    def _record(self, prefix, filepath, face_id, roll, pitch, yaw, x, y, w, h) -> CanonicalRecord | Rejection:
        key = f"face_id {face_id}"
        if any(v is None or not math.isfinite(float(v)) for v in (roll, pitch, yaw)):
            return Rejection("aflw.sqlite", key, "missing_pose", "FacePose has no finite roll/pitch/yaw")
        path = safe_image(self, f"{prefix}/{filepath}", "aflw.sqlite", key)
        if isinstance(path, Rejection):
            return path
        degrees = {n: math.degrees(float(v)) for n, v in (("yaw", yaw), ("pitch", pitch), ("roll", roll))}
        return CanonicalRecord(
            sample_id=f"aflw/{face_id}", dataset="aflw", image_path=path,
            box=FaceBox(x=float(x), y=float(y), w=float(w), h=float(h)),
            labels={"pose": yaw_to_bin(degrees["yaw"])}, values=degrees)
