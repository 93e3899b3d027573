"""Procedural face rendering with OpenCV drawing: every attribute controlled and visible.

A face is drawn at twice the output size (so thin lines such as wrinkles and brows survive the
downsampling), then the domain's degradations are applied at the output size (effects.py).
Attribute cues (issue 4): emotion through mouth, brows and eyes; yaw through feature shifts,
a foreshortened outline, a visible ear and the nose tip; age through wrinkles, hair colour and
child proportions; gender through hair length, jaw width and brow thickness; smile through the
lip corners.
"""

from __future__ import annotations

import cv2
import numpy as np

from facedata.synth import effects
from facedata.synth.aging import BEARD_FROM
from facedata.synth.attributes import FaceSpec
from facedata.synth.domains import Domain
from facedata.synth.features import (
    AA,
    EXPRESSIONS,
    Frame,
    _ellipse,
    _ipt,
    draw_brow,
    draw_eye,
    draw_mouth,
    draw_nose,
)

SUPERSAMPLE = 2


def _frame(spec: FaceSpec, size: int) -> Frame:
    child = spec.look.child
    a = spec.scale * size * (1 + 0.1 * child)
    b = a * (spec.aspect - 0.28 * child)
    unit = size / 128.0
    return Frame(spec.cx * size, spec.cy * size, a, b, np.radians(spec.yaw), unit)


def _shade(colour, factor: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in colour)


def _draw_back_hair(img, f: Frame, spec: FaceSpec) -> None:
    # Long hair for women (adults and children past infancy) falls behind the head to the neck.
    if spec.gender == 0 and spec.age_years >= 4:
        shift = -0.25 * f.a * np.sin(f.yaw)
        _ellipse(img, (f.hx + shift, f.hy + 0.35 * f.b), (f.a * 1.3, f.b * 1.3), spec.hair)


def _draw_neck(img, f: Frame, spec: FaceSpec) -> None:
    x0, x1 = int((f.hx - 0.45 * f.a) * 16), int((f.hx + 0.45 * f.a) * 16)
    y0, y1 = int((f.hy + 0.5 * f.b) * 16), int((f.hy + 1.6 * f.b) * 16)
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(img, [pts], _shade(spec.skin, 0.8), AA, 4)


def _draw_ears(img, f: Frame, spec: FaceSpec, front: bool) -> None:
    # An ear sits at +-90 degrees round the head; turning brings one onto the visible cheek.
    for side in (-1, 1):
        x, y, fore = f.point(side * 1.45, 0.08)
        if (fore > 0.25) != front or fore < -0.45:
            continue
        width = f.a * 0.13 * (0.4 + 0.6 * abs(np.sin(side * 1.45 + f.yaw)))
        _ellipse(img, (x, y), (width, f.b * 0.17), _shade(spec.skin, 0.85))
        _ellipse(img, (x, y), (width, f.b * 0.17), _shade(spec.skin, 0.6), max(1, int(f.unit)))


def _draw_head(img, f: Frame, spec: FaceSpec) -> None:
    # The outline narrows with |yaw| (foreshortening) and its mass moves towards the turn.
    width = f.a * (0.82 + 0.18 * abs(np.cos(f.yaw)))
    hx = f.hx + 0.1 * f.a * np.sin(f.yaw)
    _ellipse(img, (hx, f.hy), (width, f.b), spec.skin)
    jaw = spec.jaw * (0.98 if spec.gender == 1 else 0.7) * (1 - 0.25 * spec.look.child)
    _ellipse(img, (hx + 0.12 * f.a * np.sin(f.yaw), f.hy + 0.33 * f.b), (width * jaw, f.b * 0.66), spec.skin)


def _draw_hair_cap(img, f: Frame, spec: FaceSpec) -> None:
    look = spec.look
    if look.bald_baby:
        return
    receding = spec.gender == 1 and spec.age_years > 50
    start, end = (205, 335) if receding else (180, 360)
    centre = (f.hx - 0.2 * f.a * np.sin(f.yaw), f.hy - 0.5 * f.b)
    _ellipse(img, centre, (f.a * 1.03, f.b * 0.62), spec.hair, -1, start, end)
    if spec.gender == 0:  # a side fringe
        _ellipse(img, (centre[0] - 0.35 * f.a, centre[1]), (f.a * 0.5, f.b * 0.14), spec.hair, -1, 0, 180)
    _draw_grey_strands(img, f, spec, centre, look.grey)


def _draw_grey_strands(img, f: Frame, spec: FaceSpec, centre, grey: float) -> None:
    # Salt and pepper: light strands over the cap, as many as the share of grey. A texture,
    # unlike the hair colour, survives conversion to grey (fair hair is light too).
    if grey <= 0.0:
        return
    rng = np.random.default_rng(spec.background_seed + 7)
    light, th = (235, 235, 235), max(1, int(round(f.unit * 1.4)))
    for _ in range(int(round(14 * grey))):
        angle = np.radians(rng.uniform(195, 345))
        r = rng.uniform(0.45, 0.95)
        x = centre[0] + r * f.a * 1.03 * np.cos(angle)
        y = centre[1] + r * f.b * 0.62 * np.sin(angle)
        dx, dy = 0.12 * f.a * np.cos(angle + 1.4), 0.12 * f.a * np.sin(angle + 1.4)
        cv2.line(img, _ipt(x - dx, y - dy), _ipt(x + dx, y + dy), light, th, AA, 4)


def _line(img, f: Frame, a: tuple[float, float], b: tuple[float, float], colour, th: int) -> None:
    """A line between two surface points (phi, v), skipped when it faces away."""
    pa, pb = f.point(*a), f.point(*b)
    if min(pa[2], pb[2]) > 0.1:
        cv2.line(img, _ipt(*pa[:2]), _ipt(*pb[:2]), colour, th, AA, 4)


def _feature_heights(child: float) -> tuple[float, float, float]:
    """Heights (in head half-heights) of the eyes, nose tip and mouth: lower on a child."""
    eye_v = 0.02 + 0.3 * child
    nose_v = eye_v + 0.3 * (1 - 0.3 * child)
    return eye_v, nose_v, nose_v + 0.23 * (1 - 0.2 * child)


def _draw_wrinkles(img, f: Frame, spec: FaceSpec) -> None:
    # One more feature per whole wrinkle level (aging.py): forehead lines above the highest
    # brow, nasolabial folds, crow's feet, bags under the eyes, marionette lines, age spots.
    look = spec.look
    level = look.wrinkles
    if level <= 0.0:
        return
    eye_v, _, mouth_v = _feature_heights(0.0)
    dark = _shade(spec.skin, 1.0 - 0.45 * min(level, 1.2))
    th = max(1, int(round(f.unit * 1.6)))
    for i in range(min(int(level), 3)):
        v = eye_v - 0.38 - 0.065 * i
        pts = np.array([f.point(p, v + 0.015 * abs(p))[:2] for p in np.linspace(-0.45, 0.45, 7)])
        if f.point(0.45 * np.sign(f.yaw or 1), v)[2] > 0.1:
            cv2.polylines(img, [np.round(pts * 16).astype(np.int32).reshape(-1, 1, 2)], False, dark, th, AA, 4)
    for side in (-1, 1):
        _line(img, f, (side * 0.2, mouth_v - 0.22), (side * 0.34, mouth_v + 0.04), dark, th + 1)
        if look.shows("crows_feet"):
            for dv in (-0.05, 0.0, 0.05):
                _line(img, f, (side * 0.64, eye_v), (side * 0.8, eye_v + dv), dark, th)
        if look.shows("eye_bags"):
            _line(img, f, (side * 0.28, eye_v + 0.1), (side * 0.52, eye_v + 0.1), dark, th)
        if look.shows("marionette_lines"):
            _line(img, f, (side * 0.25, mouth_v + 0.05), (side * 0.27, mouth_v + 0.25), dark, th)
    if look.shows("age_spots"):
        _draw_age_spots(img, f, spec)


def _draw_age_spots(img, f: Frame, spec: FaceSpec) -> None:
    rng = np.random.default_rng(spec.background_seed + 11)
    colour = _shade(spec.skin, 0.6)
    for _ in range(5):
        x, y, fore = f.point(rng.uniform(-0.6, 0.6), rng.choice([-0.35, 0.3]) + rng.uniform(-0.05, 0.05))
        if fore > 0.2:
            _ellipse(img, (x, y), (f.a * 0.035, f.a * 0.035), colour)


def _draw_neck_lines(img, f: Frame, spec: FaceSpec) -> None:
    if not spec.look.shows("neck_lines"):
        return
    colour, th = _shade(spec.skin, 0.55), max(1, int(round(f.unit * 1.6)))
    for dv in (1.05, 1.2):
        y = f.hy + dv * f.b
        cv2.line(img, _ipt(f.hx - 0.35 * f.a, y), _ipt(f.hx + 0.35 * f.a, y + 0.02 * f.b), colour, th, AA, 4)


def _draw_baby_cheeks(img, f: Frame, spec: FaceSpec, eye_v: float) -> None:
    if not spec.look.bald_baby:
        return
    rosy = tuple(int(0.7 * c + 0.3 * p) for c, p in zip(spec.skin, (120, 120, 235), strict=True))
    for side in (-1, 1):
        x, y, fore = f.point(side * 0.5, eye_v + 0.22)
        if fore > 0.2:
            _ellipse(img, (x, y), (f.a * 0.13 * fore, f.a * 0.1), rosy)


def _draw_beard(img, f: Frame, spec: FaceSpec, mouth_v: float) -> None:
    # Stubble or a beard on most adult men (a gender cue that survives grey and blur).
    colour = tuple(int(0.5 * s + 0.5 * h * 0.6) for s, h in zip(spec.skin, spec.hair, strict=True))
    x, y, _ = f.point(0.0, mouth_v + 0.2)
    width = f.a * (0.82 + 0.18 * abs(np.cos(f.yaw))) * 0.8
    _ellipse(img, (x - 0.2 * f.a * np.sin(f.yaw), y), (width, f.b * 0.3), colour, -1, 0, 180)


def _draw_inner_face(img, f: Frame, spec: FaceSpec) -> None:
    child = spec.look.child
    expr = EXPRESSIONS[spec.emotion]
    eye_v, nose_v, mouth_v = _feature_heights(child)
    _draw_baby_cheeks(img, f, spec, eye_v)
    brow_colour = _shade(spec.skin, 0.7) if spec.look.bald_baby else _shade(spec.hair, 0.8)
    for side in (-1, 1):
        draw_brow(img, f, side, eye_v - 0.17, expr, spec.gender == 1, brow_colour)
        draw_eye(img, f, side * 0.4, eye_v, expr, child)
    draw_nose(img, f, eye_v + 0.05, nose_v, spec.skin, expr)
    if spec.gender == 1 and spec.age_years >= BEARD_FROM and spec.background_seed % 5 < 3:
        _draw_beard(img, f, spec, mouth_v)
    lips = (90, 80, 185) if spec.gender == 0 and spec.age_years >= 15 else _shade(spec.skin, 0.45)
    draw_mouth(img, f, mouth_v, expr, spec.smile, lips)


def draw_face(canvas: np.ndarray, spec: FaceSpec) -> None:
    """Draws the head described by `spec` onto `canvas` (BGR uint8, square) in place."""
    f = _frame(spec, canvas.shape[0])
    _draw_back_hair(canvas, f, spec)
    _draw_neck(canvas, f, spec)
    _draw_neck_lines(canvas, f, spec)
    _draw_ears(canvas, f, spec, front=False)
    _draw_head(canvas, f, spec)
    _draw_wrinkles(canvas, f, spec)
    _draw_ears(canvas, f, spec, front=True)
    _draw_hair_cap(canvas, f, spec)
    _draw_inner_face(canvas, f, spec)


def render(spec: FaceSpec, domain: Domain, image_size: int = 64) -> np.ndarray:
    """The final image of one face in one domain: (image_size, image_size, 3) uint8 BGR.

    Grey domains return three equal channels so every dataset has one image shape.
    """
    big = image_size * SUPERSAMPLE
    canvas = effects.background(domain.background, spec.background_seed, big)
    draw_face(canvas, spec)
    effects.draw_occluder(canvas, spec)
    canvas = effects.light_and_roll(canvas, spec)
    small = cv2.resize(canvas, (image_size, image_size), interpolation=cv2.INTER_AREA)
    return effects.degrade(small, spec, grey=domain.grey)
