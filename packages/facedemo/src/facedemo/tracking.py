"""An IoU tracker with constant-velocity prediction, template following between detections, and
per-track smoothing of probabilities (spec 9.2 [REC]: smooth per face, never across faces).
"""

from __future__ import annotations

import collections
import dataclasses
import itertools

import cv2
import numpy as np

from facedemo.detectors import Detection
from facedemo.geometry import Box, clamp, iou


@dataclasses.dataclass
class Track:
    """One face followed over frames."""

    id: int
    detection: Detection
    velocity: tuple[float, float] = (0.0, 0.0)
    missed: int = 0
    template: np.ndarray | None = None
    template_at: tuple[int, int] = (0, 0)
    history: dict[str, collections.deque] = dataclasses.field(default_factory=dict)

    def predicted_box(self) -> Box:
        """Where the face should be now: last box moved by its velocity for each missed frame."""
        x, y, w, h = self.detection.box
        steps = self.missed + 1
        return (x + self.velocity[0] * steps, y + self.velocity[1] * steps, w, h)

    def smooth(self, answers: dict[str, np.ndarray], frames: int) -> dict[str, np.ndarray]:
        """Adds this frame's probabilities; returns their mean over the track's last `frames`."""
        out = {}
        for task, probs in answers.items():
            window = self.history.setdefault(task, collections.deque(maxlen=frames))
            window.append(np.asarray(probs, np.float64))
            # A plain sum of the few rows: np.mean first copies the deque into a new array
            # (0.2 ms a call, a tenth of a tracked frame's work besides the model).
            out[task] = sum(window) / len(window)
        return out


class IouTracker:
    """Matches detections to tracks greedily by IoU with each track's predicted box."""

    def __init__(self, min_iou: float = 0.3, max_missed: int = 10) -> None:
        self.min_iou = min_iou
        self.max_missed = max_missed
        self.tracks: list[Track] = []
        self._ids = itertools.count(1)

    def update(self, detections: list[Detection]) -> list[Track]:
        """The track of each detection (same order): matched, or new. Unmatched tracks age and
        are dropped after `max_missed` frames."""
        pairs = sorted(((iou(t.predicted_box(), d.box), ti, di)
                        for ti, t in enumerate(self.tracks) for di, d in enumerate(detections)), reverse=True)
        assigned: dict[int, Track] = {}
        used: set[int] = set()
        for score, ti, di in pairs:
            if score < self.min_iou or ti in used or di in assigned:
                continue
            used.add(ti)
            assigned[di] = self._move(self.tracks[ti], detections[di])
        for ti, track in enumerate(self.tracks):
            if ti not in used:
                track.missed += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.max_missed]
        for di, det in enumerate(detections):
            if di not in assigned:
                assigned[di] = Track(next(self._ids), det)
                self.tracks.append(assigned[di])
        return [assigned[di] for di in range(len(detections))]

    @staticmethod
    def _move(track: Track, det: Detection) -> Track:
        steps = track.missed + 1
        dx = (det.box[0] - track.detection.box[0]) / steps
        dy = (det.box[1] - track.detection.box[1]) / steps
        # Exponential smoothing of the velocity keeps one jittery box from throwing it off.
        track.velocity = (0.5 * track.velocity[0] + 0.5 * dx, 0.5 * track.velocity[1] + 0.5 * dy)
        track.detection, track.missed = det, 0
        return track

    def remember(self, grey: np.ndarray) -> None:
        """Stores each live track's current patch of `grey` as its template for `follow`."""
        height, width = grey.shape
        for track in self.tracks:
            x, y, w, h = clamp(track.detection.box, width, height)
            track.template = grey[y:y + h, x:x + w].copy() if w > 4 and h > 4 else None
            track.template_at = (x, y)

    def follow(self, grey: np.ndarray) -> list[tuple[Track, Detection]]:
        """Moves every live, seen-last-frame track to the best template match near its predicted box
        (no detector call). Landmarks move with the box."""
        followed = []
        for track in self.tracks:
            if track.missed or track.template is None:
                continue
            det = _match(grey, track)
            if det is not None:
                self._move(track, det)
                followed.append((track, det))
        return followed


# Template matching costs about (search area) x (template area): a 150 px face searched over
# 300x300 px took 2.7 ms a frame. The search runs first on both shrunk until the template's
# shorter side is COARSE_SIDE px (0.1 ms), then at full size within a pixel or two of the coarse
# answer, so the position is as exact as a full-size search.
COARSE_SIDE = 32
MIN_SCORE = 0.5


def _match(grey: np.ndarray, track: Track) -> Detection | None:
    height, width = grey.shape
    th, tw = track.template.shape
    # The template was cut at `template_at` (the box clamped to the image): search around where
    # that corner should be now.
    px, py = track.template_at[0] + track.velocity[0], track.template_at[1] + track.velocity[1]
    pad_x, pad_y = max(8, tw // 2), max(8, th // 2)
    x0, y0 = max(0, round(px) - pad_x), max(0, round(py) - pad_y)
    x1, y1 = min(width, round(px) + tw + pad_x), min(height, round(py) + th + pad_y)
    if x1 - x0 < tw or y1 - y0 < th:
        return None
    found = _search(grey[y0:y1, x0:x1], track.template)
    if found is None:
        return None
    old = track.detection
    dx, dy = x0 + found[0] - track.template_at[0], y0 + found[1] - track.template_at[1]
    marks = None if old.landmarks is None else {k: (mx + dx, my + dy) for k, (mx, my) in old.landmarks.items()}
    return Detection((old.box[0] + dx, old.box[1] + dy, old.box[2], old.box[3]), old.score, marks)


def _search(window: np.ndarray, template: np.ndarray) -> tuple[int, int] | None:
    """Top-left corner of the best match of `template` in `window` (coarse to fine), or None
    when the best normalised correlation is under MIN_SCORE."""
    th, tw = template.shape
    scale = COARSE_SIDE / min(th, tw)
    if scale >= 0.5:  # small faces: one full-size search is already cheap
        return _best(window, template)
    small_t = cv2.resize(template, (max(1, round(tw * scale)), max(1, round(th * scale))), interpolation=cv2.INTER_AREA)
    small_w = cv2.resize(window, (max(1, round(window.shape[1] * scale)), max(1, round(window.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA)
    if small_w.shape[0] < small_t.shape[0] or small_w.shape[1] < small_t.shape[1]:
        return _best(window, template)
    _, _, _, (cx, cy) = cv2.minMaxLoc(cv2.matchTemplate(small_w, small_t, cv2.TM_CCOEFF_NORMED))
    # Refine at full size within one coarse pixel (1/scale full-size pixels) and a margin.
    reach = int(np.ceil(1.0 / scale)) + 1
    fx, fy = round(cx / scale), round(cy / scale)
    rx0, ry0 = max(0, fx - reach), max(0, fy - reach)
    rx1, ry1 = min(window.shape[1], fx + tw + reach), min(window.shape[0], fy + th + reach)
    fine = _best(window[ry0:ry1, rx0:rx1], template)
    return None if fine is None else (rx0 + fine[0], ry0 + fine[1])


def _best(window: np.ndarray, template: np.ndarray) -> tuple[int, int] | None:
    if window.shape[0] < template.shape[0] or window.shape[1] < template.shape[1]:
        return None
    _, best, _, corner = cv2.minMaxLoc(cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED))
    return corner if best >= MIN_SCORE else None
