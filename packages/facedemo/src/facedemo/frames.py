"""Reading a video's frames one or two ahead, in a thread of their own.

`cv2.VideoCapture.read` decodes without holding the GIL, so while the pipeline works on one
frame the next is being decoded (about 1 ms of a 10 ms tracked frame on the benchmark clip).
At most `ahead` frames wait, so memory stays flat; the reads are exactly those the caller would
have made, in order, and the capture is only ever used by the reading thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading

import cv2
import numpy as np

_POLL = 0.1  # seconds between checks of the stop flag while the queue is full


class FrameReader:
    """`read()` gives what `capture.read()` would, decoded ahead in a thread; `close()` stops it."""

    def __init__(self, capture: cv2.VideoCapture, ahead: int = 2) -> None:
        self._capture = capture
        self._frames: queue.Queue[tuple[bool, np.ndarray | None]] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="facedemo-frames", daemon=True)
        self._thread.start()

    def read(self) -> tuple[bool, np.ndarray | None]:
        """The next (ok, BGR frame) pair, as `cv2.VideoCapture.read` returns it."""
        return self._frames.get()

    def close(self) -> None:
        """Stops the reading thread (waits for its read in progress); the capture stays open."""
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._frames.get_nowait()  # unblock a waiting put
            self._thread.join(_POLL)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pair = self._capture.read()
            except Exception:  # noqa: BLE001  (a decoder that raises instead of answering False)
                pair = (False, None)
            while not self._stop.is_set():
                try:
                    self._frames.put(pair, timeout=_POLL)
                    break
                except queue.Full:
                    continue
