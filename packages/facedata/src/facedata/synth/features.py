"""Drawing the inner face: eyes, brows, nose and mouth, shaped by emotion, smile and gender.

Expressions follow the visible action units of the basic emotions (Ekman's FACS prototypes):
brows lowered and drawn together for anger, inner brows raised for sadness and fear, wide eyes
for surprise and fear, lip corners up for happiness and down for sadness, a raised upper lip and
wrinkled nose for disgust.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

AA = cv2.LINE_AA


@dataclass(frozen=True)
class Expression:
    """Shape parameters of one emotion (brow offsets in face half-heights, + is down)."""

    eye_open: float
    brow_inner: float
    brow_outer: float
    curve: float  # lip corners, + is up
    mouth_open: float
    mouth_width: float
    teeth: bool = False
    asym: float = 0.0
    nose_wrinkle: bool = False


# Canonical emotion order (faceschemas.tasks): angry, disgust, fear, happy, sad, surprise, neutral.
EXPRESSIONS = (
    Expression(0.5, 0.13, -0.08, -0.3, 0.22, 0.95, teeth=True),
    Expression(0.55, 0.07, 0.07, 0.0, 0.18, 0.9, asym=0.8, nose_wrinkle=True),
    Expression(1.5, -0.11, 0.05, -0.2, 0.45, 1.3, teeth=True),
    Expression(0.5, -0.03, -0.03, 0.65, 0.5, 1.3, teeth=True),
    Expression(0.65, -0.11, 0.09, -0.7, 0.0, 0.95),
    Expression(1.6, -0.17, -0.15, 0.0, 1.25, 0.5),
    Expression(1.0, 0.0, 0.0, 0.0, 0.0, 1.0),
)
SMILE_CURVE = 0.6  # closed-lip smile added to a non-happy face with smile = yes


@dataclass(frozen=True)
class Frame:
    """Projection of the head: a sphere-like surface seen under a yaw turn."""

    hx: float
    hy: float
    a: float  # head half-width in pixels
    b: float  # head half-height in pixels
    yaw: float  # radians
    unit: float  # line-thickness unit in pixels

    def point(self, phi: float, v: float) -> tuple[float, float, float]:
        """Image (x, y) and foreshortening of the surface point at angle phi, height v (in b)."""
        angle = phi + self.yaw
        return self.hx + 0.92 * self.a * np.sin(angle), self.hy + v * self.b, float(np.cos(angle))


def _ipt(x: float, y: float) -> tuple[int, int]:
    return int(round(x * 16)), int(round(y * 16))


def _poly(points: np.ndarray) -> np.ndarray:
    return np.round(points * 16).astype(np.int32).reshape(-1, 1, 2)


def _ellipse(img, centre, axes, colour, thickness=-1, start=0, end=360):
    axes = (max(int(round(axes[0] * 16)), 1), max(int(round(axes[1] * 16)), 1))
    cv2.ellipse(img, _ipt(*centre), axes, 0, start, end, colour, thickness, AA, 4)


def draw_eye(img, f: Frame, phi: float, v: float, expr: Expression, child: float) -> None:
    """One eye: white, iris looking along the yaw, lids set by the expression's openness."""
    x, y, fore = f.point(phi, v)
    if fore < 0.08:
        return
    rx = f.a * 0.2 * (1 + 0.25 * child) * fore
    ry = f.a * 0.09 * (1 + 0.3 * child) * expr.eye_open
    _ellipse(img, (x, y), (rx, ry), (235, 235, 235))
    iris = min(ry, f.a * 0.085 * (1 + 0.3 * child))
    _ellipse(img, (x + 0.4 * rx * np.sin(f.yaw), y), (iris * fore, iris), (40, 30, 20))
    _ellipse(img, (x, y), (rx, ry), (30, 30, 30), thickness=max(1, int(f.unit)))


def draw_brow(img, f: Frame, side: int, v: float, expr: Expression, male: bool, colour) -> None:
    """One brow from its inner to its outer end; males get thicker brows."""
    inner = f.point(side * 0.12, v + expr.brow_inner)
    outer = f.point(side * 0.62, v + expr.brow_outer)
    mid = f.point(side * 0.37, v + (expr.brow_inner + expr.brow_outer) / 2 - 0.03)
    if min(inner[2], outer[2]) < 0.0:
        return
    pts = np.array([inner[:2], mid[:2], outer[:2]], dtype=float)
    thick = int(round(f.unit * (4.4 if male else 2.6)))
    cv2.polylines(img, [_poly(pts)], False, colour, max(thick, 1), AA, 4)


def draw_nose(img, f: Frame, v_top: float, v_tip: float, skin, expr: Expression) -> None:
    """Nose ridge and tip; the tip protrudes, so it moves further than the face under yaw."""
    top = f.point(0.0, v_top)
    tip_x = f.hx + 1.05 * f.a * np.sin(f.yaw)
    tip_y = f.hy + v_tip * f.b
    dark = tuple(int(c * 0.62) for c in skin)
    pts = np.array([top[:2], (tip_x, tip_y), (f.hx + 0.75 * f.a * np.sin(f.yaw), tip_y + 0.03 * f.b)])
    cv2.polylines(img, [_poly(pts)], False, dark, max(1, int(round(f.unit * 1.5))), AA, 4)
    if expr.nose_wrinkle:
        for dy in (-0.1, -0.05):
            a, b = f.point(-0.09, v_tip + dy), f.point(0.09, v_tip + dy)
            cv2.line(img, _ipt(*a[:2]), _ipt(*b[:2]), dark, max(1, int(f.unit)), AA, 4)


def _lip_curves(expr: Expression, smile: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    curve, width = expr.curve, expr.mouth_width
    if smile and expr.curve < 0.5:  # a closed-lip smile on a non-happy face
        curve, width = curve + SMILE_CURVE, width + 0.1
    t = np.linspace(-1.0, 1.0, 15)
    base = -curve * t**2 + expr.asym * np.clip(t, 0, None) ** 2 * -1.0
    upper = base - 0.25 * expr.mouth_open * (1 - t**2)
    lower = base + expr.mouth_open * (1 - t**2)
    return t * width, upper, lower


def draw_mouth(img, f: Frame, v: float, expr: Expression, smile: int, lip_colour) -> None:
    """Mouth as two lip curves; open mouths are filled dark with an optional row of teeth."""
    x0, y0, fore = f.point(0.0, v)
    if fore < 0.15:
        return
    xs, upper, lower = _lip_curves(expr, smile)
    mw, cu, op = f.a * 0.42 * fore, f.a * 0.18, f.a * 0.28
    up = np.stack([x0 + xs * mw, y0 + upper * cu], axis=1)
    lo = np.stack([x0 + xs * mw, y0 + upper * cu + (lower - upper) * op], axis=1)
    if expr.mouth_open > 0.05:
        cv2.fillPoly(img, [_poly(np.concatenate([up, lo[::-1]]))], (40, 30, 70), AA, 4)
        if expr.teeth:
            teeth = np.concatenate([up, (up + (lo - up) * 0.45)[::-1]])
            cv2.fillPoly(img, [_poly(teeth)], (235, 235, 235), AA, 4)
    thick = max(1, int(round(f.unit * 2.5)))
    cv2.polylines(img, [_poly(up)], False, lip_colour, thick, AA, 4)
    cv2.polylines(img, [_poly(lo)], False, lip_colour, thick, AA, 4)
