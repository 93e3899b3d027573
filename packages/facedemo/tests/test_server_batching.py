"""Micro-batching of the server's model calls: each request gets its own faces; failures stay its own."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from facedemo_fixtures import two_faces

from facedemo.server.batching import FaceBatcher


class _Gated:
    """A pipeline whose model calls wait at a gate and are recorded (images and faces of each)."""

    def __init__(self, pipeline, bad=None) -> None:
        self.pipeline, self.bad = pipeline, bad
        self.gate, self.sizes, self.faces = threading.Event(), [], []

    def analyse(self, rgb, detections):
        self.sizes.append(1)
        self.faces.append(len(detections))
        self.gate.wait(30)
        if rgb is self.bad:
            raise ValueError("this image breaks the model")
        return self.pipeline.analyse(rgb, detections)

    def analyse_many(self, images):
        self.sizes.append(len(images))
        self.faces.append(sum(len(d) for _, d in images))
        self.gate.wait(30)
        if any(rgb is self.bad for rgb, _ in images):
            raise ValueError("this image breaks the model")
        return self.pipeline.analyse_many(images)


def _gathered(batcher: FaceBatcher, gated: _Gated, images: list[np.ndarray], detections: list) -> list:
    """Runs one request per image in threads: the first holds the models (at the gate) until all
    the others wait, so that they are gathered into one batch. Each thread's answers or error."""
    results: list = [None] * len(images)

    def ask(i: int) -> None:
        try:
            results[i] = batcher.analyse(images[i], detections[i])
        except Exception as err:  # noqa: BLE001
            results[i] = err

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(images))]
    threads[0].start()
    while not gated.sizes:
        time.sleep(0.005)
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 30
    while len(batcher._waiting) < len(images) - 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    gated.gate.set()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture(scope="module")
def images(photo_rgb, haar_pipeline):
    """Images with 1, 2, 1, 2, 1 and 2 faces, and their detections."""
    pictures = [photo_rgb, two_faces(photo_rgb)] * 3
    return pictures, [haar_pipeline.detect(rgb) for rgb in pictures]


def _same(got, expected) -> bool:
    return len(got) == len(expected) and all(
        set(a) == set(b) and all(np.allclose(a[t].probabilities, b[t].probabilities, atol=1e-5) for t in a)
        for a, b in zip(got, expected, strict=True))


def test_waiting_requests_share_one_model_call_and_each_gets_its_own_faces(haar_pipeline, images):
    pictures, detections = images
    assert [len(d) for d in detections] == [1, 2] * 3
    gated = _Gated(haar_pipeline)
    batcher = FaceBatcher(gated)
    results = _gathered(batcher, gated, pictures, detections)
    assert gated.sizes == [1, 5] and batcher.calls == 2  # the first alone, the five others together
    for rgb, dets, got in zip(pictures, detections, results, strict=True):
        assert _same(got, haar_pipeline.analyse(rgb, dets)), got


def test_a_request_that_breaks_a_batch_fails_alone(haar_pipeline, images):
    pictures, detections = images
    bad = pictures[3].copy()
    gated = _Gated(haar_pipeline, bad=bad)
    batcher = FaceBatcher(gated)
    results = _gathered(batcher, gated, [*pictures[:3], bad, *pictures[4:]], detections)
    assert isinstance(results[3], ValueError)
    for i in (0, 1, 2, 4, 5):
        assert _same(results[i], haar_pipeline.analyse(pictures[i], detections[i])), i
    assert gated.sizes[:2] == [1, 5] and len(gated.sizes) == 2 + 5  # the batch, then one by one
    assert _same(batcher.analyse(pictures[0], detections[0]), haar_pipeline.analyse(pictures[0], detections[0]))


def test_a_big_batch_is_split_by_face_count(haar_pipeline, images):
    pictures, detections = images
    gated = _Gated(haar_pipeline)
    batcher = FaceBatcher(gated, max_faces=4)
    results = _gathered(batcher, gated, pictures, detections)
    # The five waiting requests hold 8 faces: at least two calls, none over 4 faces.
    assert gated.sizes[0] == 1 and sum(gated.sizes[1:]) == 5 and len(gated.sizes) >= 3
    assert max(gated.faces) <= 4 and sum(gated.faces) == 9
    assert all(_same(got, haar_pipeline.analyse(rgb, dets))
               for rgb, dets, got in zip(pictures, detections, results, strict=True))


def test_an_image_without_faces_does_not_wait_for_the_models(haar_pipeline):
    gated = _Gated(haar_pipeline)  # the gate stays closed: any model call would wait 30 s
    start = time.monotonic()
    assert FaceBatcher(gated).analyse(np.zeros((10, 10, 3), np.uint8), []) == []
    assert time.monotonic() - start < 1 and gated.sizes == []
