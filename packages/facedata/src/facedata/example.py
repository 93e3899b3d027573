"""A small, deterministic `tf.train.Example` encoder that needs no TensorFlow.

Beam workers build Examples here instead of importing TensorFlow: that roughly halved small jobs
(pitfalls, "Beam and TFRecords"), and writing the map entries in sorted key order makes the bytes
identical across processes, which `SerializeToString()` does not guarantee.

Wire format (example.proto / feature.proto): Example{features=1}, Features{map feature=1},
map entry {key=1, value=2}, Feature{bytes_list=1 | float_list=2 | int64_list=3}, each list
holding `repeated value = 1` (numbers packed).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

FeatureValue = bytes | str | int | float | Sequence[bytes] | Sequence[int] | Sequence[float]


def _varint(value: int) -> bytes:
    if value < 0:  # int64 negatives are encoded as their 64-bit two's complement (10 bytes)
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _as_list(value: FeatureValue) -> list:
    if isinstance(value, (bytes, str, int, float)):
        return [value]
    return list(value)


def _feature(value: FeatureValue) -> bytes:
    items = _as_list(value)
    if items and isinstance(items[0], (bytes, str)):
        data = b"".join(_field(1, v.encode() if isinstance(v, str) else v) for v in items)
        return _field(1, data)
    if items and isinstance(items[0], float):
        return _field(2, _field(1, struct.pack(f"<{len(items)}f", *items)))
    if any(isinstance(v, bool) or not isinstance(v, int) for v in items):
        raise TypeError(f"unsupported feature value {value!r}")
    return _field(3, _field(1, b"".join(_varint(v) for v in items)))


def encode_example(features: Mapping[str, FeatureValue]) -> bytes:
    """Serializes `{key: value}` as a tf.train.Example, entries in sorted key order.

    bytes/str become a BytesList, float an (float32) FloatList, int an Int64List; a sequence
    gives a list of that kind.
    """
    body = b"".join(
        _field(1, _field(1, key.encode()) + _field(2, _feature(features[key])))
        for key in sorted(features)
    )
    return _field(1, body)
