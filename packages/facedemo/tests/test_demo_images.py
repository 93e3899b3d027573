"""Bad and unusual image files: one clear line each, and the run goes on."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from facedemo import BadInputError, annotate_files, read_image


def _jpeg(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()


BAD = {
    "empty.jpg": (b"", "empty file"),
    "notes.jpg": (b"this is text, not a picture\n", "not an image"),
    "half.jpg": (None, "truncated JPEG"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_files_raise_one_line(tmp_path, photo, name):
    data, reason = BAD[name]
    if data is None:
        whole = photo.read_bytes()
        data = whole[: len(whole) // 2]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(BadInputError, match=reason) as err:
        read_image(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(BadInputError, match="cannot read"):
        read_image(tmp_path / "nothing.jpg")
    (tmp_path / "dir.jpg").mkdir()
    with pytest.raises(BadInputError, match="folder"):
        read_image(tmp_path / "dir.jpg")


@pytest.mark.parametrize("kind", ["grey", "alpha", "16bit"])
def test_unusual_pixel_formats_become_8_bit_rgb(tmp_path, photo_rgb, kind):
    bgr = cv2.cvtColor(photo_rgb, cv2.COLOR_RGB2BGR)
    image = {"grey": cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY),
             "alpha": cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA),
             "16bit": bgr.astype(np.uint16) * 257}[kind]
    cv2.imwrite(str(tmp_path / "x.png"), image)
    out = read_image(tmp_path / "x.png")
    assert out.shape == photo_rgb.shape and out.dtype == np.uint8
    if kind != "grey":
        assert np.abs(out.astype(int) - photo_rgb).mean() < 1


def test_exif_orientation_is_honoured(tmp_path, photo):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    buffer = io.BytesIO()
    Image.open(photo).save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    (tmp_path / "rotated.jpg").write_bytes(buffer.getvalue())
    out = read_image(tmp_path / "rotated.jpg")
    upright = read_image(photo)
    assert out.shape == (upright.shape[1], upright.shape[0], 3)
    assert np.abs(out.astype(int) - np.rot90(upright, k=-1)).mean() < 8


def test_a_run_reports_each_bad_file_and_goes_on(tmp_path, photo, photo_rgb, haar_pipeline):
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "wall.jpg").write_bytes(_jpeg(np.full((200, 300, 3), 90, np.uint8)))
    paths = [tmp_path / "empty.jpg", photo, tmp_path / "wall.jpg", tmp_path / "missing.png"]
    results = list(annotate_files(haar_pipeline, paths, tmp_path / "out"))
    assert [r.ok for r in results] == [False, True, True, False]
    assert "empty file" in results[0].message
    assert results[1].message is None and len(results[1].prediction.faces) == 1
    assert results[2].message.endswith("no face found")
    assert results[1].written.is_file() and read_image(results[1].written).shape == photo_rgb.shape


def test_a_24_megapixel_photo_is_detected_at_the_working_resolution(tmp_path, photo_rgb, haar_pipeline):
    big = cv2.resize(photo_rgb, (5120, 6000), interpolation=cv2.INTER_LINEAR)  # 30.7 MP
    prediction = haar_pipeline.process(big, "big")
    assert prediction.image_size == (5120, 6000)
    assert len(prediction.faces) >= 1
    x, y, w, h = max(prediction.faces, key=lambda f: f.box[2]).box
    assert 1500 < x + w / 2 < 3700 and 1200 < y + h / 2 < 3200
