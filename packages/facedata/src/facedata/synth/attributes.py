"""Sampling one face: its five attributes, its identity and its nuisance parameters.

Everything an image shows is decided here from one numpy Generator, so an image depends only on
(seed, dataset, index) and can be re-rendered anywhere.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import numpy as np

from facedata.synth.aging import AgeLook, age_look
from facedata.synth.domains import Domain
from faceschemas.tasks import AGE_GROUP_BOUNDS, age_years_to_group, yaw_to_bin

HAPPY, SURPRISE, NEUTRAL = 3, 5, 6

# Skin tones (BGR), from light to dark: identity, not an attribute.
SKIN_TONES = ((196, 214, 240), (160, 190, 226), (128, 160, 205), (96, 128, 176), (62, 88, 128))
# Natural hair colours (BGR) before greying: black, dark brown, brown, blond, red.
HAIR_COLOURS = ((25, 25, 30), (30, 45, 70), (45, 75, 115), (90, 160, 205), (40, 70, 160))
OCCLUDERS = ("none", "glasses", "band", "hand")


@dataclass(frozen=True)
class FaceSpec:
    """Every parameter of one rendered face."""

    emotion: int
    yaw: float  # degrees, positive = face turned towards image right (faceschemas.tasks)
    age_years: float
    gender: int  # 0 female, 1 male
    smile: int
    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    aspect: float  # face height / width, identity
    jaw: float  # jaw width factor, identity (gender shifts it)
    cx: float  # face centre, fraction of the image
    cy: float
    scale: float  # face half-width, fraction of the image
    roll: float  # in-plane rotation, degrees
    occluder: str
    occluder_pos: tuple[float, float]
    brightness: float
    light: float  # signed shading strength across the face
    light_angle: float
    blur_sigma: float
    noise_std: float
    jpeg_quality: int
    background_seed: int

    @functools.cached_property
    def look(self) -> AgeLook:
        """How the age shows (aging.py), computed once per face for every drawing step."""
        return age_look(self.age_years)

    @property
    def pose(self) -> int:
        """Canonical pose bin of the yaw."""
        return yaw_to_bin(self.yaw)

    @property
    def age(self) -> int:
        """Canonical Adience age group of the age in years."""
        group = age_years_to_group(self.age_years)
        assert group is not None
        return group

    def labels(self) -> dict[str, int]:
        """The clean class label of every task."""
        return {"emotion": self.emotion, "pose": self.pose, "age": self.age,
                "gender": self.gender, "smile": self.smile}

    def values(self) -> dict[str, float]:
        """The clean continuous values (record keys value/<name>)."""
        return {"yaw": round(self.yaw, 3), "age_years": round(self.age_years, 3),
                "roll": round(self.roll, 3)}

    def nuisance(self) -> dict[str, object]:
        """Nuisance parameters, for analysis of errors."""
        skip = {"emotion", "yaw", "age_years", "gender", "smile", "roll"}
        return {k: v for k, v in asdict(self).items() if k not in skip}


def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1]))


def _sample_yaw(rng: np.random.Generator, domain: Domain) -> float:
    if domain.yaw_mode == "uniform":
        return _uniform(rng, (-domain.yaw_spread, domain.yaw_spread))
    return float(np.clip(rng.normal(0.0, domain.yaw_spread), -85.0, 85.0))


def _sample_age(rng: np.random.Generator) -> float:
    # Uniform over the 8 Adience groups, then inside the group, so the group is never ambiguous.
    lo, hi = AGE_GROUP_BOUNDS[int(rng.integers(len(AGE_GROUP_BOUNDS)))]
    return _uniform(rng, (lo, min(hi, 85) + 0.99))


def _sample_smile(rng: np.random.Generator, domain: Domain, emotion: int) -> int:
    # Happy faces always smile; neutral ones sometimes show a closed-lip smile (CelebA's
    # "Smiling" is not an emotion label); surprise rarely; other expressions never.
    rate = {HAPPY: 1.0, NEUTRAL: domain.smile_if_neutral, SURPRISE: 0.1}.get(emotion, 0.0)
    return int(rng.random() < rate)


def _grey_hair(rng: np.random.Generator, age: float) -> tuple[int, int, int]:
    natural = np.array(HAIR_COLOURS[int(rng.integers(len(HAIR_COLOURS)))], dtype=float)
    if age < 8:  # young children: lighter hair
        natural = 0.6 * natural + 0.4 * np.array([120, 150, 170])
    grey = age_look(age).grey
    colour = (1 - grey) * natural + grey * np.array([225, 225, 225])
    return tuple(int(c) for c in colour)


def sample_face(rng: np.random.Generator, domain: Domain) -> FaceSpec:
    """Draws one face from `domain`'s priors; the draw order is fixed for reproducibility."""
    emotion = int(rng.choice(len(domain.emotion_prior), p=np.asarray(domain.emotion_prior)))
    yaw = _sample_yaw(rng, domain)
    age = _sample_age(rng)
    gender = int(rng.integers(2))
    smile = _sample_smile(rng, domain, emotion)
    skin = SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]
    jitter = domain.centre_jitter
    occluder = OCCLUDERS[int(rng.integers(1, len(OCCLUDERS)))] if rng.random() < domain.occluder_rate else "none"
    return FaceSpec(
        emotion=emotion, yaw=yaw, age_years=age, gender=gender, smile=smile,
        skin=skin, hair=_grey_hair(rng, age),
        aspect=_uniform(rng, (1.15, 1.4)), jaw=_uniform(rng, (0.9, 1.1)),
        cx=0.5 + _uniform(rng, (-jitter, jitter)), cy=0.47 + _uniform(rng, (-jitter, jitter)),
        scale=_uniform(rng, domain.face_scale), roll=float(rng.normal(0.0, domain.roll_spread / 2)),
        occluder=occluder, occluder_pos=(_uniform(rng, (-1, 1)), _uniform(rng, (-1, 1))),
        brightness=_uniform(rng, domain.brightness),
        light=_uniform(rng, domain.light_strength) * float(rng.choice([-1.0, 1.0])),
        light_angle=_uniform(rng, (-0.6, 0.6)),
        blur_sigma=_uniform(rng, domain.blur_sigma), noise_std=_uniform(rng, domain.noise_std),
        jpeg_quality=int(rng.integers(domain.jpeg_quality[0], domain.jpeg_quality[1] + 1)),
        background_seed=int(rng.integers(2**31)),
    )
