"""mix(): every dataset in every batch, nothing truncated, steps known in advance."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from facedata.mixing import mix, plan, steps_per_epoch


def _ds(name: str, n: int) -> tf.data.Dataset:
    ids = tf.constant([f"{name}{i}" for i in range(n)])
    return tf.data.Dataset.from_tensor_slices((tf.zeros([n, 2, 2, 1]), {"t": tf.zeros([n], tf.int32)}, ids))


@pytest.mark.parametrize("sizes,batch", [([100, 7], 16), ([50, 50, 3], 8), ([5, 500], 4), ([1, 1], 2)])
def test_proportional_plan_uses_each_sample_once_and_never_zero(sizes, batch):
    order = plan(sizes, batch, "proportional")
    steps = steps_per_epoch(dict(enumerate(sizes)), batch)
    assert len(order) <= steps * batch and len(order) > (steps - 1) * batch
    counts = np.bincount(order, minlength=len(sizes))
    for n, c in zip(sizes, counts, strict=True):
        assert max(n, steps) <= c <= max(n, steps) + 1  # every sample; tiny datasets cycle
    assert counts.sum() - sum(sizes) <= len(sizes) + max(0, steps - min(sizes)) * len(sizes)
    for i in range(steps):
        assert set(order[i * batch:(i + 1) * batch]) == set(range(len(sizes)))


def test_proportional_shares_follow_sizes():
    order = plan([300, 100], 8)
    first = order[:8]
    assert (first == 0).sum() == 6 and (first == 1).sum() == 2


def test_balanced_cycles_small_until_largest_seen_once():
    order = plan([40, 10], 8, "balanced")
    counts = np.bincount(order)
    assert counts.tolist() == [40, 40]
    assert all((order[i:i + 8] == 1).sum() == 4 for i in range(0, len(order), 8))


def test_mix_dataset_yields_planned_batches():
    ds = mix({"a": _ds("a", 20), "b": _ds("b", 5)}, {"a": 20, "b": 5}, batch_size=6, seed=1)
    batches = list(ds)
    assert int(ds.cardinality()) == len(batches) == 5
    ids = [i.decode() for b in batches for i in b[2].numpy()]
    assert len(ids) == 26  # 25 samples, plus one cycled so that the 2-sample tail holds both
    assert set(ids) == {f"a{i}" for i in range(20)} | {f"b{i}" for i in range(5)}
    assert all(any(i.startswith(b"b") for i in b[2].numpy()) for b in batches)


@pytest.mark.parametrize("bad", [{"ratio": "random"}, {"batch_size": 1}])
def test_mix_rejects_bad_arguments(bad):
    args = {"batch_size": 4, "ratio": "proportional", **bad}
    with pytest.raises(ValueError):
        mix({"a": _ds("a", 3), "b": _ds("b", 3)}, {"a": 3, "b": 3}, **args)


def test_facedata_mix_is_the_function_on_every_access():
    import facedata

    first, second = facedata.mix, facedata.mix  # the lazy import must not rebind the name to a module
    assert first is second is mix and callable(facedata.steps_per_epoch)
