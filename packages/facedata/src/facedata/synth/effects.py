"""Nuisance: backgrounds, occluders, lighting, roll, and the camera's blur, noise and JPEG.

Backgrounds are a registry keyed by the domain's `background` name; every function draws from
its own seeded generator so a background depends only on the face's `background_seed`.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from facedata.synth.attributes import FaceSpec
from faceschemas.registry import Registry

BackgroundFn = Callable[[np.random.Generator, int], np.ndarray]
BACKGROUNDS: Registry[BackgroundFn] = Registry("background")


def register_background(name: str) -> Callable[[BackgroundFn], BackgroundFn]:
    """Decorator registering a background painter; a duplicate name raises."""
    return BACKGROUNDS.register(name)


def background(name: str, seed: int, size: int) -> np.ndarray:
    """A (size, size, 3) uint8 background of kind `name`; UnknownNameError listing the known ones."""
    return BACKGROUNDS.get(name)(np.random.default_rng(seed), size)


def _colour(rng: np.random.Generator, lo: int, hi: int) -> tuple[int, int, int]:
    return tuple(int(c) for c in rng.integers(lo, hi, size=3))


@register_background("clutter")
def _clutter(rng: np.random.Generator, size: int) -> np.ndarray:
    img = np.full((size, size, 3), _colour(rng, 40, 220), np.uint8)
    for _ in range(int(rng.integers(3, 8))):
        p = rng.integers(0, size, size=2)
        r = int(rng.integers(size // 12, size // 3))
        if rng.random() < 0.5:
            cv2.circle(img, (int(p[0]), int(p[1])), r, _colour(rng, 0, 256), -1)
        else:
            q = p + rng.integers(-r, r, size=2)
            cv2.rectangle(img, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), _colour(rng, 0, 256), -1)
    return img


@register_background("gradient")
def _gradient(rng: np.random.Generator, size: int) -> np.ndarray:
    top, bottom = np.array(_colour(rng, 120, 250), float), np.array(_colour(rng, 20, 140), float)
    t = np.linspace(0.0, 1.0, size)[:, None, None]
    img = (1 - t) * top + t * bottom
    return np.broadcast_to(img, (size, size, 3)).astype(np.uint8).copy()


@register_background("indoor")
def _indoor(rng: np.random.Generator, size: int) -> np.ndarray:
    img = np.full((size, size, 3), _colour(rng, 50, 170), np.uint8)
    x = 0
    while x < size:  # wall panels, doors and shelves
        w = int(rng.integers(size // 8, size // 3))
        cv2.rectangle(img, (x, 0), (x + w, size), _colour(rng, 40, 180), -1)
        x += w + int(rng.integers(2, size // 6))
    return img


@register_background("studio")
def _studio(rng: np.random.Generator, size: int) -> np.ndarray:
    base = np.array(_colour(rng, 170, 250), float)
    yy, xx = np.mgrid[0:size, 0:size] / size - 0.5
    vignette = 1.0 - 0.5 * (xx**2 + yy**2)
    return np.clip(base[None, None, :] * vignette[..., None], 0, 255).astype(np.uint8)


def draw_occluder(img: np.ndarray, spec: FaceSpec) -> None:
    """Sunglasses, a band (scarf, microphone, caption) or a hand-like blob over the face."""
    if spec.occluder == "none":
        return
    size = img.shape[0]
    a = spec.scale * size
    cx, cy = spec.cx * size, spec.cy * size
    ox, oy = spec.occluder_pos
    if spec.occluder == "glasses":
        for side in (-1, 1):
            centre = (int(cx + side * 0.38 * a + 0.3 * a * np.sin(np.radians(spec.yaw))), int(cy + 0.05 * a))
            cv2.circle(img, centre, int(0.24 * a), (20, 20, 20), -1, cv2.LINE_AA)
    elif spec.occluder == "band":
        y = int(cy + (0.2 + 0.6 * oy) * a)
        cv2.rectangle(img, (int(cx - 1.4 * a), y), (int(cx + 1.4 * a), y + int(0.3 * a)),
                      (int(60 + 60 * ox), 90, int(150 - 50 * oy)), -1)
    else:
        centre = (int(cx + (0.6 + 0.3 * abs(ox)) * a * np.sign(ox or 1)), int(cy + (0.5 + 0.4 * oy) * a))
        skin = tuple(int(c * 0.9) for c in spec.skin)
        cv2.ellipse(img, centre, (int(0.35 * a), int(0.55 * a)), 30 * ox, 0, 360, skin, -1, cv2.LINE_AA)


def light_and_roll(img: np.ndarray, spec: FaceSpec) -> np.ndarray:
    """Directional shading and overall brightness, then the in-plane (roll) rotation."""
    size = img.shape[0]
    yy, xx = np.mgrid[0:size, 0:size] / size - 0.5
    ramp = np.cos(spec.light_angle) * xx + np.sin(spec.light_angle) * yy
    gain = spec.brightness * (1.0 + spec.light * 2.0 * ramp)
    lit = np.clip(img.astype(np.float32) * gain[..., None].astype(np.float32), 0, 255).astype(np.uint8)
    centre = (spec.cx * size, spec.cy * size)
    rot = cv2.getRotationMatrix2D(centre, spec.roll, 1.0)
    return cv2.warpAffine(lit, rot, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def degrade(img: np.ndarray, spec: FaceSpec, *, grey: bool) -> np.ndarray:
    """Grey conversion, blur, sensor noise and a JPEG round trip, in camera order."""
    if grey:
        img = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    if spec.blur_sigma > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), spec.blur_sigma)
    noise_rng = np.random.default_rng(spec.background_seed + 1)
    noise = noise_rng.normal(0.0, spec.noise_std, size=img.shape[:2] + (1 if grey else 3,))
    img = np.clip(img.astype(np.float32) + noise.astype(np.float32), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)
