"""Reading an uploaded image safely: bounded in bytes, checked in pixels before any decoding.

An upload is either a multipart form (the page's file field, `curl -F image=@photo.jpg`) or the
raw bytes as the body (`curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg'`). Every
refusal is an `ApiError` carrying the HTTP status and a one-line reason.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import AsyncIterator

import numpy as np
from PIL import Image, UnidentifiedImageError

from facedemo.errors import BadInputError
from facedemo.images import decode_image

FORM_FIELD = "image"
# Formats that both Pillow (the header check) and OpenCV (the decoder) read.
DECODABLE = {"JPEG", "PNG", "BMP", "TIFF", "WEBP", "PPM", "JPEG2000"}


class ApiError(Exception):
    """A request the API refuses: `status` is the HTTP status, the message one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_capped(chunks: AsyncIterator[bytes], limit: int, declared: str | None) -> bytes:
    """The whole body, refused (413) as soon as it is known to exceed `limit` bytes.

    `declared` is the Content-Length header: a body announced as too large is refused before a
    single byte is read; a body without one (chunked) is counted as it arrives.
    """
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"upload of {int(declared)} bytes is over the limit of {limit} bytes")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"upload is over the limit of {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


async def image_bytes(body: bytes, headers, limit: int) -> tuple[bytes, str | None]:
    """The image's bytes and file name (if given) from a multipart form or a raw body."""
    if not headers.get("content-type", "").startswith("multipart/form-data"):
        return body, None
    from starlette.datastructures import UploadFile
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def once() -> AsyncIterator[bytes]:
        yield body

    try:
        form = await MultiPartParser(headers, once(), max_files=1, max_fields=8,
                                     max_part_size=limit).parse()
    except MultiPartException as err:
        raise ApiError(400, f"malformed multipart form: {err.message}") from None
    files = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
    chosen = form.get(FORM_FIELD) if isinstance(form.get(FORM_FIELD), UploadFile) else None
    upload = chosen or (files[0] if files else None)
    if upload is None:
        raise ApiError(400, f"the form has no file field (send the image as '{FORM_FIELD}')")
    try:
        return await upload.read(), upload.filename
    finally:
        await form.close()


def check_header(data: bytes, max_pixels: int) -> tuple[str, tuple[int, int]]:
    """The format and (width, height) from the image's header, before any pixel is decoded.

    Raises:
        ApiError: 400 empty, 415 not an image (or a format the demo cannot decode), 413 too many
            pixels (Pillow's own bomb check included).
    """
    if not data:
        raise ApiError(400, "empty upload: send an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # lazy: reads the header only
                kind, size = image.format, image.size
    except Image.DecompressionBombError as err:
        raise ApiError(413, f"image has too many pixels ({err})") from None
    except UnidentifiedImageError:
        raise ApiError(415, "not an image (expected JPEG, PNG, BMP, TIFF, WebP, PPM or JPEG 2000)") from None
    except (OSError, ValueError, SyntaxError) as err:  # Pillow's complaints about a broken header
        raise ApiError(400, f"corrupt image header ({str(err) or type(err).__name__})") from None
    if kind not in DECODABLE:
        raise ApiError(415, f"{kind} images are not supported (expected one of {', '.join(sorted(DECODABLE))})")
    if size[0] * size[1] > max_pixels:
        raise ApiError(413, f"image of {size[0]}x{size[1]} pixels is over the limit of {max_pixels} pixels")
    return kind, size


def decode(data: bytes, name: str) -> np.ndarray:
    """The RGB pixels (facedemo's own decoder); a corrupt or truncated image is a 400."""
    try:
        return decode_image(data, name)
    except BadInputError as err:
        raise ApiError(400, str(err)) from None
