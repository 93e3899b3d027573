"""The hand-written Example encoder and TFRecord framing agree with TensorFlow."""

from __future__ import annotations

import math

import pytest
import tensorflow as tf

from facedata.example import encode_example
from facedata.records import iter_tfrecord, write_tfrecord

CASES = [
    {"image/encoded": b"\xff\xd8abc", "label/emotion": 3, "label/pose": -1, "value/yaw": float("nan")},
    {"k": [1, 2, -5, 2**40], "f": [0.5, -1.25], "s": ["a", "bc"]},
    {"empty": b"", "zero": 0, "neg": -(2**63)},
]


@pytest.mark.parametrize("features", CASES)
def test_tf_parses_our_bytes_identically(features):
    parsed = tf.train.Example.FromString(encode_example(features))
    for key, value in features.items():
        feature = parsed.features.feature[key]
        got = list(getattr(feature, feature.WhichOneof("kind")).value)
        want = value if isinstance(value, list) else [value]
        want = [w.encode() if isinstance(w, str) else w for w in want]
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert (math.isnan(g) and math.isnan(w)) if isinstance(w, float) and math.isnan(w) else g == w


def test_bytes_equal_tf_deterministic_serialization():
    features = {"b": -1, "a": b"xy", "c": 2.5}
    proto = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"xy"])),
        "b": tf.train.Feature(int64_list=tf.train.Int64List(value=[-1])),
        "c": tf.train.Feature(float_list=tf.train.FloatList(value=[2.5])),
    }))
    assert encode_example(features) == proto.SerializeToString(deterministic=True)


def test_tfrecord_framing_is_read_by_tf(tmp_path):
    payloads = [encode_example({"i": i}) for i in range(5)]
    count, sha = write_tfrecord(tmp_path / "x.tfrecord", payloads)
    assert count == 5 and len(sha) == 64
    assert [r.numpy() for r in tf.data.TFRecordDataset(str(tmp_path / "x.tfrecord"))] == payloads
    assert list(iter_tfrecord(tmp_path / "x.tfrecord")) == payloads
    assert not list(tmp_path.glob(".*"))  # the temp file was renamed away
