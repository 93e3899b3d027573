"""facedata.load / read_manifest on a prepared dataset; the shards in a TF-free process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import facedata_fixtures as fixtures
import numpy as np
import pytest
import tensorflow as tf

import facedata
from facedata.augment import augment
from facedata.pipeline import prepare


@pytest.fixture(scope="module")
def adience_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("adience")
    fixtures.write_adience(root / "raw")
    prepare("adience", root / "raw", root / "out", image_size=24)
    return root / "out" / "adience"


def _no_autotune(ds):  # short-lived iterators: autotune teardown costs seconds (pitfalls)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def test_elements_have_the_contract_structure(adience_dir):
    ds = _no_autotune(facedata.load(adience_dir, "fold_0", tasks=("emotion", "age", "gender"), with_ids=True,
                                    values=("age_years",), deterministic=True))
    items = list(ds)
    assert len(items) == 3
    image, labels, masks, values, ids = items[0]
    assert image.dtype == tf.float32 and image.shape == (24, 24, 3)
    assert float(tf.reduce_min(image)) >= 0.0 and float(tf.reduce_max(image)) <= 255.0
    assert labels["emotion"].dtype == tf.int32 and int(labels["emotion"]) == -1 and float(masks["emotion"]) == 0.0
    by_id = {i[4].numpy().decode(): i for i in items}
    no_gender = by_id["adience/u1@N01/3/3_c_o.jpg"]
    assert int(no_gender[1]["gender"]) == -1 and float(no_gender[2]["gender"]) == 0.0
    assert float(no_gender[3]["age_years"]) == 35.0


def test_resize_channels_and_batching(adience_dir):
    ds = _no_autotune(facedata.load(adience_dir, "fold_0", batch_size=2, image_size=16, channels=1))
    shapes = [tuple(b[0].shape) for b in ds]
    assert shapes == [(2, 16, 16, 1), (1, 16, 16, 1)]


def test_evaluation_is_repeatable_training_is_augmented(adience_dir):
    def images(**kw):
        ds = _no_autotune(facedata.load(adience_dir, "fold_0", deterministic=True, shuffle=False, **kw))
        return np.stack([x[0].numpy() for x in ds])

    assert np.array_equal(images(), images())
    trained = images(training=True, seed=3)
    assert trained.shape == images().shape and not np.allclose(trained, images())
    assert np.array_equal(trained, images(training=True, seed=3))


def test_augment_keeps_shape_and_range_eagerly_and_in_map():
    image = tf.random.uniform((32, 32, 3), 0, 255, seed=1)
    out = augment(image, tf.constant([1, 2]))
    assert out.shape == image.shape
    mapped = tf.data.Dataset.from_tensors(image).map(lambda x: augment(x, tf.constant([1, 2])))
    assert np.allclose(next(iter(mapped)).numpy(), out.numpy())


def test_unknown_split_and_unprepared_folder(adience_dir, tmp_path):
    with pytest.raises(ValueError, match="fold_0"):
        facedata.load(adience_dir, "train")
    with pytest.raises(FileNotFoundError, match="manifest"):
        facedata.read_manifest(tmp_path)


def test_shards_readable_by_pure_python_tfrecord_package(adience_dir):
    code = textwrap.dedent(f"""
        import sys, glob
        from tfrecord.reader import tfrecord_loader
        assert "tensorflow" not in sys.modules
        n = 0
        for path in sorted(glob.glob("{adience_dir}/fold_0-*.tfrecord")):
            for rec in tfrecord_loader(path, None, {{"sample/id": "byte", "label/age": "int", "image/encoded": "byte"}}):
                assert bytes(rec["image/encoded"][:2]) == b"\\xff\\xd8"
                n += 1
        assert "tensorflow" not in sys.modules
        print(n)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "3"
