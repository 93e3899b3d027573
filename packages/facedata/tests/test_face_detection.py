"""Face detection on a real photograph: the crop the pipeline writes holds the face.

The photograph is Grace Hopper's portrait that matplotlib ships as sample data (a registry
package, so no download at test time). Its face was marked by hand: centre about (265, 215) in
the 512x600 image, about 210 pixels wide.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import facedata_readback as readback
import matplotlib.cbook
import numpy as np
import tensorflow as tf

from facedata.images import detect_face
from facedata.pipeline import prepare

PHOTO = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
FACE_CENTRE = (265, 215)
FACE_REGION = (160, 110, 370, 320)  # left, top, right, bottom: hand-marked


def _rgb(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def test_detector_finds_the_face_in_a_real_photograph():
    box = detect_face(_rgb(PHOTO))
    centre = (box.x + box.w / 2, box.y + box.h / 2)
    assert abs(centre[0] - FACE_CENTRE[0]) < 30 and abs(centre[1] - FACE_CENTRE[1]) < 30, box
    assert 150 <= box.w <= 300 and 150 <= box.h <= 300, box


def test_pipeline_writes_the_detected_face_and_quarantines_a_faceless_image(tmp_path):
    # ChaLearn LAP without face crops: the adapter gives no box, so the job detects one.
    raw = tmp_path / "raw"
    (raw / "valid").mkdir(parents=True)
    (raw / "valid_gt.csv").write_text("image;mean;stdev\nhopper.jpg;30.5;3.2\nwall.jpg;40;2\n")
    shutil.copy(PHOTO, raw / "valid" / "hopper.jpg")
    wall = np.random.default_rng(0).integers(90, 110, size=(300, 300, 3), dtype=np.uint8)
    cv2.imwrite(str(raw / "valid" / "wall.jpg"), wall)

    manifest = prepare("chalearn_lap", raw, tmp_path / "out", image_size=64)

    records = readback.records(tmp_path / "out" / "chalearn_lap")
    assert list(records) == ["chalearn_lap/val/hopper.jpg"]
    labels, _, example = records["chalearn_lap/val/hopper.jpg"]
    assert labels["age"] == 4  # 30.5 years: the 25-32 group
    assert readback.reasons(tmp_path / "out" / "chalearn_lap") == {"no_face_detected": 1}
    assert manifest.quarantined == 1

    written = tf.io.decode_image(example.features.feature["image/encoded"].bytes_list.value[0]).numpy()
    photo = _rgb(PHOTO)
    left, top, right, bottom = FACE_REGION
    face = cv2.resize(photo[top:bottom, left:right], (64, 64), interpolation=cv2.INTER_AREA)
    whole = cv2.resize(photo, (64, 64), interpolation=cv2.INTER_AREA)
    to_face = np.abs(written.astype(float) - face).mean()
    to_whole = np.abs(written.astype(float) - whole).mean()
    # Measured: about 21 against the hand-marked face, 88 against the whole photograph.
    assert to_face < 35 and to_face < to_whole / 3, (to_face, to_whole)
