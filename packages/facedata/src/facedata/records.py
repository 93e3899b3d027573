"""TFRecord framing, written without TensorFlow (CRC32C from google-crc32c).

Each record is: uint64 length, masked CRC32C of the length, data, masked CRC32C of the data
(all little-endian), as tensorflow/core/lib/io/record_writer.cc writes it.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable
from pathlib import Path

import google_crc32c

_MASK_DELTA = 0xA282EAD8


def _masked_crc(data: bytes) -> bytes:
    crc = google_crc32c.value(data)
    masked = (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF
    return struct.pack("<I", masked)


def frame(record: bytes) -> bytes:
    """One record in TFRecord framing."""
    length = struct.pack("<Q", len(record))
    return length + _masked_crc(length) + record + _masked_crc(record)


def write_tfrecord(path: str | Path, records: Iterable[bytes]) -> tuple[int, str]:
    """Writes `records` to `path` atomically (temp file + os.replace); returns (count, sha256)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    digest, count = hashlib.sha256(), 0
    with open(tmp, "wb") as out:
        for record in records:
            chunk = frame(record)
            out.write(chunk)
            digest.update(chunk)
            count += 1
    os.replace(tmp, path)
    return count, digest.hexdigest()


def iter_tfrecord(path: str | Path) -> Iterable[bytes]:
    """Reads the records of a TFRecord file back (for tests and tools without TensorFlow)."""
    with open(path, "rb") as src:
        while header := src.read(12):
            (length,) = struct.unpack("<Q", header[:8])
            if _masked_crc(header[:8]) != header[8:]:
                raise ValueError(f"{path}: corrupt record length")
            data = src.read(length)
            if _masked_crc(data) != src.read(4):
                raise ValueError(f"{path}: corrupt record data")
            yield data
