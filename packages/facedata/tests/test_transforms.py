"""The Beam steps in isolation, with TestPipeline and assert_that."""

from __future__ import annotations

import apache_beam as beam
import facedata_fixtures as fixtures
import numpy as np
import tensorflow as tf
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from facedata.pipeline.dofns import ImageOptions, ProcessRecordFn
from facedata.pipeline.transforms import DropDuplicates, MakeExamples
from faceschemas.record import CanonicalRecord, FaceBox

OPTIONS = ImageOptions(size=16, channels=1, encoding="png", detect=False, split_seed=0,
                       split_fractions=(0.8, 0.1, 0.1))
IN_MEMORY = ["--runner=DirectRunner", "--direct_running_mode=in_memory"]


def _record(sample_id: str, data: bytes, box: FaceBox | None = None, split: str | None = "train"):
    return CanonicalRecord(sample_id=sample_id, dataset="t", split=split, image_bytes=data, box=box,
                           labels={"emotion": 3})


def test_make_examples_routes_good_and_bad_records():
    good = _record("a", fixtures.image_bytes(40, 40, seed=1), FaceBox(x=5, y=5, w=20, h=20))
    bad = _record("b", b"not an image")
    outside = _record("c", fixtures.image_bytes(40, 40), FaceBox(x=50, y=50, w=5, h=5))
    with BeamTestPipeline(argv=IN_MEMORY) as p:
        made = p | beam.Create([good, bad, outside]) | MakeExamples(OPTIONS)
        assert_that(made.examples | "Ids" >> beam.Map(lambda e: (e["id"], e["split"], e["labels"])),
                    equal_to([("a", "train", {"emotion": 3})]), label="examples")
        assert_that(made.quarantine | "Reasons" >> beam.Map(lambda q: (q["key"], q["reason"])),
                    equal_to([("b", "undecodable_image"), ("c", "box_outside_image")]), label="quarantine")


def test_example_bytes_parse_in_tf_with_every_record_key():
    from facedata.reader import feature_spec

    (item,) = ProcessRecordFn(OPTIONS).process(_record("a", fixtures.image_bytes(30, 30, seed=2)))
    parsed = tf.io.parse_single_example(item["example"], feature_spec())
    assert int(parsed["label/emotion"]) == 3 and int(parsed["label/pose"]) == -1
    assert np.isnan(float(parsed["value/yaw"])) and int(parsed["image/channels"]) == 1
    assert tf.io.decode_png(parsed["image/encoded"]).shape == (16, 16, 1)


def test_drop_duplicates_keeps_one_and_quarantines_the_rest():
    data = fixtures.image_bytes(20, 20)
    records = [_record("x", data), _record("x", data, split="val"), _record("y", data)]
    with BeamTestPipeline(argv=IN_MEMORY) as p:
        kept = p | beam.Create(records) | DropDuplicates()
        assert_that(kept.records | "Ids" >> beam.Map(lambda r: r.sample_id), equal_to(["x", "y"]), label="kept")
        assert_that(kept.quarantine | "Reasons" >> beam.Map(lambda q: q["reason"]), equal_to(["duplicate_id"]),
                    label="dups")
