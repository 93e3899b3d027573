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
from facedata import reader
from facedata.augment import augment, augment_batch
from facedata.pipeline import prepare


@pytest.fixture(scope="module")
def adience_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("adience")
    fixtures.write_adience(root / "raw")
    prepare("adience", root / "raw", root / "out", image_size=24)
    return root / "out" / "adience"


@pytest.fixture(scope="module")
def faces_dir(tmp_path_factory):
    """40 labelled 32x32 colour faces in 2 shards (a csv list, as a user's folder)."""
    root = tmp_path_factory.mktemp("faces")
    rows = ["path,emotion"]
    for i in range(40):
        fixtures.write_image(root / "raw" / f"{i:02d}.jpg", 32, 32, seed=i)
        rows.append(f"{i:02d}.jpg,{i % 7}")
    (root / "raw" / "labels.csv").write_text("\n".join(rows) + "\n")
    prepare("csv", root / "raw", root / "out", image_size=32, split_fractions=(1.0, 0.0, 0.0), num_shards=2)
    return root / "out" / "csv"


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


def _elements(ds, count=None):
    ds = _no_autotune(ds if count is None else ds.take(count))
    return [tf.nest.map_structure(lambda t: t.numpy(), e) for e in ds]


@pytest.mark.parametrize("kw", [
    {"shuffle": False}, {"shuffle": False, "training": True, "seed": 4},
    {"batch_size": 8, "image_size": 24, "channels": 1, "with_ids": True, "training": True, "shuffle": False},
], ids=["plain", "augmented", "batched-resized-grey"])
def test_cached_pipeline_yields_the_uncached_elements(faces_dir, kw):
    """Same images, labels and ids, in the same order (deterministic, not shuffled)."""
    runs = [_elements(facedata.load(faces_dir, "train", deterministic=True, cache=c, **kw)) for c in ("none", "memory")]
    assert len(runs[0]) == len(runs[1]) > 0
    for plain, cached in zip(*runs, strict=True):
        for a, b in zip(tf.nest.flatten(plain), tf.nest.flatten(cached), strict=True):
            assert np.array_equal(a, b)


def test_a_shuffled_cached_split_is_a_new_permutation_every_pass(faces_dir):
    ds = facedata.load(faces_dir, "train", shuffle=True, with_ids=True, cache="memory", repeat=True, seed=3)
    count = facedata.read_manifest(faces_dir).splits["train"].count
    ids = [e[-1].decode() for e in _elements(ds, 2 * count)]
    unshuffled = sorted(e[-1].decode() for e in _elements(facedata.load(faces_dir, "train", with_ids=True, cache="none")))
    assert sorted(ids[:count]) == sorted(ids[count:]) == unshuffled  # each pass is the whole split once
    assert ids[:count] != ids[count:]


def test_a_cached_iterator_checkpoints_positions_not_images(faces_dir, tmp_path):
    """The decoded split is a constant of the dataset: resumable checkpoints stay small."""
    def checkpoint_bytes(cache):
        ds = facedata.load(faces_dir, "train", training=True, repeat=True, batch_size=4, cache=cache, image_size=64)
        iterator = iter(ds)
        next(iterator)
        folder = tmp_path / cache
        tf.train.Checkpoint(iterator=iterator).write(str(folder / "ckpt"))
        return sum(p.stat().st_size for p in folder.iterdir())

    # Both hold the batches in flight; uncached also holds a shuffle buffer of encoded records,
    # while a cache() of the images would add the whole decoded split (and a buffer of them).
    assert checkpoint_bytes("memory") <= checkpoint_bytes("none")


def test_cached_split_is_decoded_once(faces_dir, tmp_path):
    """After the first pass the shards are not read again: emptying them changes nothing."""
    import shutil

    copy = shutil.copytree(faces_dir, tmp_path / "csv")
    ds = facedata.load(copy, "train", cache="memory", deterministic=True)
    first = _elements(ds)
    for shard in copy.glob("train-*.tfrecord"):
        shard.write_bytes(b"")
    again = _elements(ds)
    assert [int(e[1]["emotion"]) for e in again] == [int(e[1]["emotion"]) for e in first]
    assert len(_elements(facedata.load(copy, "train", cache="none"))) == 0


def test_cache_auto_follows_the_byte_budget(faces_dir, monkeypatch):
    manifest = facedata.read_manifest(faces_dir)
    assert reader.cache_decoded(manifest, "train", "auto") and reader.cache_decoded(manifest, "train", "memory")
    assert not reader.cache_decoded(manifest, "train", "none")
    monkeypatch.setattr(reader, "CACHE_BUDGET_BYTES", 40 * 32 * 32 * 3 - 1)
    assert not reader.cache_decoded(manifest, "train", "auto")
    with pytest.raises(ValueError, match="memory"):
        facedata.load(faces_dir, "train", cache="disk")


def test_batched_augmentation_is_per_image_augmentation():
    images = tf.random.uniform((5, 16, 16, 3), 0, 255, seed=2)
    seeds = tf.constant([[i, 7 * i] for i in range(5)], tf.int64)
    single = tf.data.Dataset.from_tensor_slices((images, seeds)).map(augment)
    batched = tf.data.Dataset.from_tensors((images, seeds)).map(augment_batch)
    assert np.array_equal(np.stack(list(single.as_numpy_iterator())), next(iter(batched)).numpy())
