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


def _child(age: float) -> float:
    """0 for adults, rising to 1 for newborns: drives head proportions."""
    return float(np.clip((16.0 - age) / 16.0, 0.0, 1.0))


def _frame(spec: FaceSpec, size: int) -> Frame:
    child = _child(spec.age_years)
    a = spec.scale * size * (1 + 0.08 * child)
    b = a * (spec.aspect - 0.18 * child)
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
    jaw = spec.jaw * (0.98 if spec.gender == 1 else 0.7) * (1 - 0.25 * _child(spec.age_years))
    _ellipse(img, (hx + 0.12 * f.a * np.sin(f.yaw), f.hy + 0.33 * f.b), (width * jaw, f.b * 0.66), spec.skin)


def _draw_hair_cap(img, f: Frame, spec: FaceSpec) -> None:
    if spec.age_years < 1.5:
        return  # newborns: next to no hair
    receding = spec.gender == 1 and spec.age_years > 50
    start, end = (205, 335) if receding else (180, 360)
    centre = (f.hx - 0.2 * f.a * np.sin(f.yaw), f.hy - 0.38 * f.b)
    _ellipse(img, centre, (f.a * 1.03, f.b * 0.72), spec.hair, -1, start, end)
    if spec.gender == 0:  # a fringe
        _ellipse(img, (centre[0] - 0.3 * f.a, centre[1]), (f.a * 0.55, f.b * 0.18), spec.hair, -1, 0, 180)


def _draw_wrinkles(img, f: Frame, spec: FaceSpec, eye_v: float, mouth_v: float) -> None:
    # Wrinkles accumulate with age: forehead lines from ~27, nasolabial folds from ~34,
    # crow's feet from ~40 (one more forehead line every 9 years).
    age, dark, th = spec.age_years, _shade(spec.skin, 0.45), max(1, int(round(f.unit * 1.6)))
    for i in range(int(np.clip((age - 18) / 9, 0, 5))):
        v = eye_v - 0.3 - 0.06 * i
        pts = np.array([f.point(p, v + 0.015 * abs(p))[:2] for p in np.linspace(-0.5, 0.5, 7)])
        cv2.polylines(img, [np.round(pts * 16).astype(np.int32).reshape(-1, 1, 2)], False, dark, th, AA, 4)
    for side in (-1, 1):
        if age >= 34:
            a, b = f.point(side * 0.2, mouth_v - 0.2), f.point(side * 0.33, mouth_v + 0.02)
            cv2.line(img, _ipt(*a[:2]), _ipt(*b[:2]), dark, th, AA, 4)
        if age >= 40 and f.point(side * 0.7, eye_v)[2] > 0.1:
            for dv in (-0.04, 0.04):
                a, b = f.point(side * 0.62, eye_v), f.point(side * 0.76, eye_v + dv)
                cv2.line(img, _ipt(*a[:2]), _ipt(*b[:2]), dark, th, AA, 4)


def _draw_beard(img, f: Frame, spec: FaceSpec, mouth_v: float) -> None:
    # Stubble or a beard on most adult men (a gender cue that survives grey and blur).
    colour = tuple(int(0.5 * s + 0.5 * h * 0.6) for s, h in zip(spec.skin, spec.hair, strict=True))
    x, y, _ = f.point(0.0, mouth_v + 0.2)
    width = f.a * (0.82 + 0.18 * abs(np.cos(f.yaw))) * 0.8
    _ellipse(img, (x - 0.2 * f.a * np.sin(f.yaw), y), (width, f.b * 0.3), colour, -1, 0, 180)


def _draw_inner_face(img, f: Frame, spec: FaceSpec) -> None:
    child = _child(spec.age_years)
    expr = EXPRESSIONS[spec.emotion]
    eye_v = 0.02 + 0.2 * child
    nose_v = eye_v + 0.3 * (1 - 0.3 * child)
    mouth_v = nose_v + 0.23 * (1 - 0.2 * child)
    _draw_wrinkles(img, f, spec, eye_v, mouth_v)
    brow_colour = _shade(spec.hair, 0.8) if spec.age_years >= 1.5 else _shade(spec.skin, 0.7)
    for side in (-1, 1):
        draw_brow(img, f, side, eye_v - 0.17, expr, spec.gender == 1, brow_colour)
        draw_eye(img, f, side * 0.4, eye_v, expr, child)
    draw_nose(img, f, eye_v + 0.05, nose_v, spec.skin, expr)
    if spec.gender == 1 and spec.age_years >= 16 and spec.background_seed % 5 < 3:
        _draw_beard(img, f, spec, mouth_v)
    lips = (90, 80, 185) if spec.gender == 0 and spec.age_years >= 15 else _shade(spec.skin, 0.45)
    draw_mouth(img, f, mouth_v, expr, spec.smile, lips)


def draw_face(canvas: np.ndarray, spec: FaceSpec) -> None:
    """Draws the head described by `spec` onto `canvas` (BGR uint8, square) in place."""
    f = _frame(spec, canvas.shape[0])
    _draw_back_hair(canvas, f, spec)
    _draw_neck(canvas, f, spec)
    _draw_ears(canvas, f, spec, front=False)
    _draw_head(canvas, f, spec)
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
