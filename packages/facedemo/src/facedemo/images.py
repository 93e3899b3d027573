"""Reading images as 8-bit RGB, whatever they are on disk, with a one-line reason when impossible.

`cv2.imdecode(..., IMREAD_COLOR)` gives 3-channel 8-bit pixels for grayscale, alpha and 16-bit files
and applies the EXIF orientation (OpenCV 4.x; tested on a rotated JPEG in tests/test_images.py).
We decode from bytes read by Python so that paths with any characters work and an empty or
unreadable file is told apart from a file that is not an image.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from facedemo.errors import BadInputError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".jp2")
# A JPEG's last scan (SOS marker) is followed by the end-of-image marker; decoders fill a cut-off
# scan with grey without complaint. The last SOS is the main image's even when an EXIF thumbnail
# (a JPEG with its own SOS and EOI) sits in the header.
_JPEG_START, _JPEG_SOS, _JPEG_END = b"\xff\xd8", b"\xff\xda", b"\xff\xd9"


def read_image(path: str | Path) -> np.ndarray:
    """Decodes `path` into an (H, W, 3) uint8 RGB array, EXIF orientation applied.

    Raises:
        BadInputError: missing, unreadable, empty, not an image, or a truncated JPEG.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise BadInputError(f"{path}: is a folder, not an image") from None
    except OSError as err:
        raise BadInputError(f"{path}: cannot read ({err.strerror or err})") from None
    return decode_image(data, str(path))


def decode_image(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decodes encoded image bytes (see `read_image`)."""
    if not data:
        raise BadInputError(f"{name}: empty file")
    if data.startswith(_JPEG_START) and data.rfind(_JPEG_END) < data.rfind(_JPEG_SOS):
        raise BadInputError(f"{name}: truncated JPEG (no end-of-image marker)")
    try:
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as err:
        raise BadInputError(f"{name}: cannot decode ({str(err).strip().splitlines()[-1]})") from None
    if bgr is None or bgr.size == 0:
        raise BadInputError(f"{name}: not an image OpenCV can decode")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def list_images(folder: str | Path) -> list[Path]:
    """Every file under `folder` (recursively) whose suffix names an image, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError(f"{folder}: not a folder")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def write_image(path: str | Path, rgb: np.ndarray) -> Path:
    """Writes an RGB image (format from the suffix); creates the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, encoded = cv2.imencode(path.suffix or ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise BadInputError(f"{path}: cannot encode an image with this suffix")
    path.write_bytes(encoded.tobytes())
    return path
