"""Decoding, validation, face cropping, resizing and encoding of one image (OpenCV).

Every failure raises `ImageRejected` with a machine-readable reason, so the pipeline can put the
record into quarantine instead of crashing (pitfalls, "Images and labels").
"""

from __future__ import annotations

import functools
import io
import warnings

import cv2
import numpy as np

from facedata.job_options import DEFAULT_MAX_PIXELS
from faceschemas.record import FaceBox

MIN_FACE_PIXELS = 8  # crops smaller than this are placeholders (IMDB-WIKI ships 1x1 images)
MAX_PIXELS = DEFAULT_MAX_PIXELS  # width x height, read from the header before decoding


class ImageRejected(ValueError):
    """An image that cannot become a training crop; `reason` goes to quarantine.jsonl."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the image header, without decoding the pixels; None if unknown.

    PIL's `Image.open` reads only the header; its own decompression-bomb guard (over about
    179 megapixels) raises, which counts as too large as well.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:
        return (1 << 31, 1)
    except Exception:  # not an image PIL knows (or a broken header): OpenCV decides below
        return None


def check_pixels(data: bytes, max_pixels: int) -> None:
    """Raises ImageRejected("image_too_large") when the header announces more than `max_pixels`."""
    size = header_size(data)
    if size is not None and size[0] * size[1] > max_pixels:
        shown = f"{size[0]}x{size[1]} pixels" if size[0] < 1 << 31 else "more than 179 megapixels"
        raise ImageRejected("image_too_large", f"the image header announces {shown}, over the limit of "
                                               f"{max_pixels} pixels (--max-pixels)")


def decode(data: bytes, channels: int, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decodes to uint8 HxWxC with C forced to `channels` (1 grey, 3 RGB).

    The header's dimensions are checked against `max_pixels` first. cv2.imdecode returns None
    for truncated and non-image files; forcing the mode also makes grayscale JPEGs, RGBA, 16-bit
    and CMYK images, GIFs and BMPs come out as 8-bit with the requested channels.
    """
    if not data:
        raise ImageRejected("empty_file", "the image file is empty")
    check_pixels(data, max_pixels)
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:
        raise ImageRejected("undecodable_image", "not a decodable image (truncated or not an image)")
    if channels == 1:
        return image[:, :, None]
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def clamp_box(box: FaceBox, height: int, width: int) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of `box` clamped to the image; rejects empty or outside boxes.

    A negative coordinate used as a NumPy slice index silently gives a wrong crop (pitfalls), so
    the box is clamped explicitly first.
    """
    if not all(np.isfinite([box.x, box.y, box.w, box.h])) or box.w <= 0 or box.h <= 0:
        raise ImageRejected("empty_box", f"face box {box.x},{box.y},{box.w},{box.h} has no area")
    left, top = max(0, round(box.x)), max(0, round(box.y))
    right, bottom = min(width, round(box.x + box.w)), min(height, round(box.y + box.h))
    if right <= left or bottom <= top:
        raise ImageRejected(
            "box_outside_image", f"face box {box.x},{box.y},{box.w},{box.h} lies outside the {width}x{height} image"
        )
    return top, bottom, left, right


def crop(image: np.ndarray, box: FaceBox | None) -> np.ndarray:
    """The face region of `image` (the whole image when `box` is None); checks its size."""
    if box is not None:
        top, bottom, left, right = clamp_box(box, *image.shape[:2])
        image = image[top:bottom, left:right]
    if min(image.shape[:2]) < MIN_FACE_PIXELS:
        raise ImageRejected("image_too_small", f"face crop is {image.shape[1]}x{image.shape[0]} pixels")
    return image


@functools.lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    return cv2.CascadeClassifier(path)


def detect_face(image: np.ndarray) -> FaceBox:
    """The largest frontal face found by OpenCV's Haar cascade (scale 1.1, 5 neighbours)."""
    grey = image[:, :, 0] if image.shape[2] == 1 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    faces = _cascade().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(16, 16))
    if len(faces) == 0:
        raise ImageRejected("no_face_detected", "the face detector found no face")
    x, y, w, h = max(faces, key=lambda f: (f[2] * f[3], -f[0], -f[1]))
    return FaceBox(x=float(x), y=float(y), w=float(w), h=float(h))


def resize(image: np.ndarray, size: int) -> np.ndarray:
    """Square `size`x`size` resize (area filter when shrinking, cubic when enlarging)."""
    shrink = image.shape[0] >= size and image.shape[1] >= size
    out = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    return out.reshape(size, size, image.shape[2])


def encode(image: np.ndarray, encoding: str) -> bytes:
    """JPEG (quality 95) or PNG bytes of an RGB or grey uint8 image."""
    if image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    if encoding == "jpeg":
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    elif encoding == "png":
        ok, buf = cv2.imencode(".png", image)
    else:
        raise ValueError(f"unknown encoding {encoding!r}; known: jpeg, png")
    if not ok:
        raise ImageRejected("encode_failed", f"OpenCV could not encode the crop as {encoding}")
    return buf.tobytes()


def encode_png(pixels: np.ndarray) -> bytes:
    """Lossless PNG of a uint8 image array (used by adapters that get raw pixels, e.g. FER2013)."""
    ok, buf = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError("could not encode pixels as PNG")
    return buf.tobytes()
