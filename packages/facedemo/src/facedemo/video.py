"""Videos and webcams as a stream: each frame is decoded, answered, drawn, written and dropped.

No frame is kept (memory stays flat: pitfalls "Streaming video"; `FrameReader` decodes at most two
frames ahead, in a thread, while the current one is answered). Detection runs every
`detect_every`-th frame; between detections the tracker follows each face by template matching.
Probabilities are smoothed per track over its last `smooth_frames` frames, never across faces.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import cv2

from facedemo.draw import draw
from facedemo.errors import BadInputError
from facedemo.frames import FrameReader
from facedemo.pipeline import FacePipeline
from facedemo.tracking import IouTracker
from faceschemas.prediction import Prediction

FOURCC = {".mp4": "mp4v", ".avi": "MJPG", ".mkv": "MJPG", ".mov": "mp4v"}
# `mtl demo video`'s default smallest face (px): the frame is detected at the resolution where
# such a face fills the detector's smallest window (Haar: 24 px, so a 640x400 frame is searched
# at 320x200: 1.8x faster on the benchmark clip). fer's own video pipeline looks for faces from 50 px.
VIDEO_MIN_FACE = 48
MAX_BAD_FRAMES = 25  # consecutive undecodable frames before a file is taken as ended


@dataclasses.dataclass
class FrameResult:
    """One frame: its prediction, or the one-line reason it was skipped."""

    frame: int
    prediction: Prediction | None = None
    error: str | None = None


def open_capture(source: str | int) -> cv2.VideoCapture:
    """A `cv2.VideoCapture` on a file or a webcam index; BadInputError when it does not open."""
    if isinstance(source, str) and not Path(source).is_file():
        raise BadInputError(f"{source}: no such video file")
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise BadInputError(f"{source}: cannot open as a video (corrupt, or an unknown format)")
    return capture


def open_writer(path: str | Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    """A video writer for `path` (codec from the suffix: mp4v for .mp4, MJPG for .avi)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fourcc = cv2.VideoWriter_fourcc(*FOURCC.get(path.suffix.lower(), "mp4v"))
    writer = cv2.VideoWriter(str(path), fourcc, fps if fps and fps > 0 else 25.0, size)
    if not writer.isOpened():
        raise BadInputError(f"{path}: cannot write a video with this suffix")
    return writer


def run_video(pipeline: FacePipeline, source: str | int, out_video: str | Path | None = None,
              detect_every: int = 1, smooth_frames: int = 10, max_frames: int | None = None) -> Iterator[FrameResult]:
    """Streams `source` (file path or webcam index) through `pipeline`; one result per frame.

    Raises:
        BadInputError: the video cannot be opened, or not a single frame of it decodes.
    """
    capture = open_capture(source)
    name = f"webcam:{source}" if isinstance(source, int) else str(source)
    # Asked before the reading thread starts: from then on only that thread uses the capture.
    total, fps = capture.get(cv2.CAP_PROP_FRAME_COUNT), capture.get(cv2.CAP_PROP_FPS)
    frames = FrameReader(capture)
    tracker, writer, frame, decoded, bad = IouTracker(), None, -1, 0, 0
    try:
        while max_frames is None or frame + 1 < max_frames:
            ok, bgr = frames.read()
            frame += 1
            if not ok or bgr is None:
                bad += 1
                if isinstance(source, int) or bad > MAX_BAD_FRAMES or not _frames_left(total, frame):
                    break
                yield FrameResult(frame, error=f"{name}: frame {frame} cannot be decoded, skipped")
                continue
            bad, decoded = 0, decoded + 1
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            try:
                prediction = _answer(pipeline, tracker, rgb, name, frame, detect_every, smooth_frames)
            except Exception as err:  # noqa: BLE001  (one bad frame is one line; the stream goes on)
                yield FrameResult(frame, error=f"{name}: frame {frame} failed ({str(err).strip()[:200]})")
                continue
            if out_video is not None:
                if writer is None:
                    writer = open_writer(out_video, fps, (rgb.shape[1], rgb.shape[0]))
                writer.write(cv2.cvtColor(draw(rgb, prediction), cv2.COLOR_RGB2BGR))
            yield FrameResult(frame, prediction)
    finally:
        frames.close()
        capture.release()
        if writer is not None:
            writer.release()
    if decoded == 0:
        raise BadInputError(f"{name}: no frame could be decoded")


def _frames_left(total: float, frame: int) -> bool:
    return total > 0 and frame < total - 1


def _answer(pipeline: FacePipeline, tracker: IouTracker, rgb, name: str, frame: int,
            detect_every: int, smooth_frames: int) -> Prediction:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if frame % max(1, detect_every) == 0:
        detections = pipeline.detect(rgb)
        pairs = list(zip(tracker.update(detections), detections, strict=True))
    else:
        pairs = [(track, det) for track, det in tracker.follow(grey) if pipeline.visible(rgb, det)]
    tracker.remember(grey)
    answers = pipeline.analyse(rgb, [det for _, det in pairs])
    faces = []
    for (track, det), answer in zip(pairs, answers, strict=True):
        smoothed = track.smooth({task: a.probabilities for task, a in answer.items()}, smooth_frames)
        faces.append(pipeline.face(rgb, det, answer, track_id=track.id, smoothed=smoothed))
    return pipeline.prediction(rgb, name, faces, frame)
