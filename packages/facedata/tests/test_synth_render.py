"""Renderer, domains and raw samples of the synthetic benchmark (no Beam here)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from facedata.synth import LABEL_NOISE, domain_names, get_domain, make_sample, render, sample_face
from facedata.synth.aging import age_look
from facedata.synth.domains import Domain, register_domain
from facedata.synth.raw import CHUNK
from faceschemas.datasets import DATASET_TASKS
from faceschemas.tasks import AGE_GROUP_BOUNDS


def _spec(name: str = "synth_celeba", index: int = 3):
    domain = get_domain(name)
    spec = sample_face(np.random.default_rng([0, domain.dataset_id, index]), domain)
    return dataclasses.replace(spec, occluder="none", yaw=0.0), domain


@pytest.mark.parametrize("name", domain_names())
def test_sample_depends_only_on_seed_dataset_index(name):
    domain = get_domain(name)
    a, b = make_sample(7, domain, 11, 64), make_sample(7, domain, 11, 64)
    assert a.png == b.png and a.truth == b.truth and a.released == b.released
    assert make_sample(7, domain, 12, 64).png != a.png
    assert make_sample(8, domain, 11, 64).png != a.png


@pytest.mark.parametrize("name", domain_names())
@pytest.mark.parametrize("size", [48, 64])
def test_render_shape_and_dtype(name, size):
    spec, domain = _spec(name)
    image = render(spec, domain, size)
    assert image.shape == (size, size, 3) and image.dtype == np.uint8
    if domain.grey:
        assert np.array_equal(image[..., 0], image[..., 1]) and np.array_equal(image[..., 1], image[..., 2])


@pytest.mark.parametrize(
    ("field", "value"),
    [("emotion", 5), ("emotion", 4), ("yaw", 70.0), ("yaw", -35.0), ("age_years", 75.0),
     ("age_years", 1.0), ("gender", None), ("smile", None)],
)
def test_each_attribute_changes_the_pixels(field, value):
    spec, domain = _spec()
    spec = dataclasses.replace(spec, emotion=6, smile=0, age_years=30.0, blur_sigma=0.0, noise_std=0.0)
    changed = dataclasses.replace(spec, **{field: 1 - getattr(spec, field) if value is None else value})
    before, after = render(spec, domain, 64), render(changed, domain, 64)
    assert np.abs(before.astype(int) - after.astype(int)).mean() > 0.5


@pytest.mark.parametrize("name", domain_names())
def test_released_labels_are_own_tasks_with_documented_noise(name):
    domain = get_domain(name)
    samples = [make_sample(0, domain, i, 32) for i in range(150)]
    own = DATASET_TASKS[name]
    assert all(set(s.released) - {"yaw"} == set(own) for s in samples)
    flips = np.mean([s.released[t] != s.truth["labels"][t] for s in samples for t in own])
    assert LABEL_NOISE / 2 < flips < LABEL_NOISE * 1.6


def test_domains_differ_in_attribute_priors():
    def labels(name, task):
        return [make_sample(0, get_domain(name), i, 32).truth["labels"][task] for i in range(120)]

    frontal = np.mean(np.array(labels("synth_expw", "pose")) == 0)
    assert frontal > 0.6 > np.mean(np.array(labels("synth_aflw", "pose")) == 0)
    assert np.mean(np.array(labels("synth_aflw", "emotion")) == 6) > 0.45


def test_domain_registry_rejects_duplicates_and_names_known():
    with pytest.raises(ValueError, match="already registered"):
        register_domain(get_domain("synth_expw"))
    with pytest.raises(ValueError, match="synth_aflw"):
        get_domain("synth_nope")
    assert isinstance(get_domain("synth_aflw"), Domain)


POOL_AFTER_OPENCV = """
from facedata.synth import get_domain
from facedata.synth.raw import CHUNK, render_samples
domain = get_domain("synth_celeba")
inline = [s.png for s in render_samples(0, domain, CHUNK, 64)]  # one chunk: in this process
pooled = [s.png for s in render_samples(0, domain, 2 * CHUNK, 64)]  # two chunks: fork pool
assert pooled[:CHUNK] == inline, "pool and in-process rendering differ"
print("ok", len(pooled))
"""


def test_fork_pool_after_opencv_ran_in_process_neither_hangs_nor_changes_bytes():
    # Regression: once OpenCV's thread pool had run in the parent, forked workers hung for ever.
    done = subprocess.run([sys.executable, "-c", POOL_AFTER_OPENCV], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and f"ok {2 * CHUNK}" in done.stdout, done.stderr[-2000:]


def test_age_cues_are_monotonic_and_step_between_neighbouring_groups():
    ages = np.linspace(0.0, 85.0, 400)
    looks = [age_look(a) for a in ages]
    assert all(b.child <= a.child for a, b in zip(looks, looks[1:], strict=False))
    assert all(b.wrinkles >= a.wrinkles and b.grey >= a.grey for a, b in zip(looks, looks[1:], strict=False))
    for (_, older_end), (next_start, _) in zip(AGE_GROUP_BOUNDS, AGE_GROUP_BOUNDS[1:], strict=False):
        a, b = age_look(older_end + 0.99), age_look(next_start)  # the closest ages of two groups
        steps = (a.child - b.child, b.wrinkles - a.wrinkles, b.grey - a.grey, float(a.bald_baby != b.bald_baby))
        assert max(steps) >= 0.05, (older_end, next_start, steps)
