"""Micro-batching: the faces of concurrent requests go through the models in one call.

Without it, each request called the models on its own faces, one request after the other under a
lock. `FaceBatcher` lets the first request that finds the models idle run them for every request
waiting at that moment (its own included), then hand the models to the next waiting request,
which runs the batch gathered meanwhile. There is no thread of its own and no timer: a request
alone is answered at once, as before; under load, the requests that arrive while one batch runs
share the next. Only the one thread holding the models calls them, so a compiled function is
never re-entered, and a failure is the failing request's own: a batch that raises is run again
one request at a time, and only the requests that raise alone get the error.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

import numpy as np

from facedemo.detectors import Detection
from facedemo.pipeline import Answer, FacePipeline

log = logging.getLogger("facedemo.server")


@dataclasses.dataclass(eq=False)
class _Job:
    """One request's image and faces, and what the batch gave it."""

    rgb: np.ndarray
    detections: list[Detection]
    wake: threading.Event = dataclasses.field(default_factory=threading.Event)
    answers: list[dict[str, Answer]] | None = None
    error: BaseException | None = None
    done: bool = False


class FaceBatcher:
    """`FacePipeline.analyse` for many threads at once, batched (see the module docstring).

    Attributes:
        calls: how many batches have been run (a batch of k requests counts once).
    """

    def __init__(self, pipeline: FacePipeline, max_faces: int = 64) -> None:
        self.pipeline = pipeline
        self.max_faces = max_faces
        self.calls = 0
        self._lock = threading.Lock()
        self._waiting: list[_Job] = []
        self._busy = False

    def analyse(self, rgb: np.ndarray, detections: list[Detection]) -> list[dict[str, Answer]]:
        """Every task's answer for each detection of `rgb`, as `FacePipeline.analyse` gives it."""
        if not detections:
            return []
        job = _Job(rgb, detections)
        with self._lock:
            self._waiting.append(job)
            lead, self._busy = not self._busy, True
        if not lead:
            job.wake.wait()  # until a batch has answered it, or the models are handed to it
        if not job.done:
            self._lead()
        if job.error is not None:
            raise job.error
        return job.answers

    def _lead(self) -> None:
        with self._lock:
            batch = self._take()
        try:
            self._run(batch)
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].wake.set()  # its thread runs the next batch
                else:
                    self._busy = False

    def _take(self) -> list[_Job]:
        """The waiting jobs from the front, up to `max_faces` faces (always at least one job)."""
        count = faces = 0
        for job in self._waiting:
            if count and faces + len(job.detections) > self.max_faces:
                break
            count, faces = count + 1, faces + len(job.detections)
        batch, self._waiting = self._waiting[:count], self._waiting[count:]
        return batch

    def _run(self, batch: list[_Job]) -> None:
        try:
            self.calls += 1
            if len(batch) == 1 or not self._together(batch):
                self._alone(batch)
        finally:
            for job in batch:  # even on KeyboardInterrupt: no request waits forever
                if not job.done:
                    job.error, job.done = job.error or RuntimeError("the batch was interrupted"), True
                job.wake.set()

    def _together(self, batch: list[_Job]) -> bool:
        try:
            results = self.pipeline.analyse_many([(job.rgb, job.detections) for job in batch])
        except Exception as err:  # noqa: BLE001  (one bad request must not fail the others)
            log.warning("a batch of %d requests failed (%s); answering them one by one", len(batch), err)
            return False
        for job, answers in zip(batch, results, strict=True):
            job.answers, job.done = answers, True
        return True

    def _alone(self, batch: list[_Job]) -> None:
        for job in batch:
            try:
                job.answers = self.pipeline.analyse(job.rgb, job.detections)
            except Exception as err:  # noqa: BLE001  (raised in the request's own thread)
                job.error = err
            job.done = True
