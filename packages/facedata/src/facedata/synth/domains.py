"""The four synthetic datasets: which task each labels, its attribute priors and its look.

Each domain mirrors one real dataset (issue 4): the pose set is mostly neutral, the emotion set
mostly frontal, and the four differ in background, lighting, colour versus grey, blur, noise,
JPEG quality and crop (face scale and centring: the AFLW- and CelebA-like sets are tight, aligned
crops with large faces, the ExpW- and Adience-like sets looser). These differences are what
makes cross-domain pseudo-labelling (SA-MTL's setting) harder than in-domain prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

from faceschemas.datasets import DATASET_TASKS
from faceschemas.registry import Registry


@dataclass(frozen=True)
class Domain:
    """How one synthetic dataset samples attributes and renders its images.

    Priors are probabilities over canonical class indices (faceschemas.tasks). Ranges are
    (low, high) pairs drawn uniformly per image.
    """

    name: str
    dataset_id: int  # part of every sample's random seed, so datasets never share images
    base_size: int  # images at --scale 1
    emotion_prior: tuple[float, ...]  # angry, disgust, fear, happy, sad, surprise, neutral
    yaw_mode: str  # "frontal": |N(0, yaw_spread)|-ish; "uniform": U(-yaw_spread, yaw_spread)
    yaw_spread: float
    smile_if_neutral: float  # closed-lip smiles on neutral faces (happy faces always smile)
    background: str  # name in facedata.synth.effects.BACKGROUNDS
    grey: bool
    brightness: tuple[float, float]
    light_strength: tuple[float, float]  # directional shading across the face
    blur_sigma: tuple[float, float]  # Gaussian blur in output pixels
    noise_std: tuple[float, float]  # Gaussian pixel noise in [0, 255] units
    jpeg_quality: tuple[int, int]
    occluder_rate: float
    roll_spread: float  # in-plane rotation, degrees
    face_scale: tuple[float, float] = (0.3, 0.34)  # face half-width, fraction of the image
    centre_jitter: float = 0.04  # face centre offset (uniform, +-), fraction of the image

    @property
    def tasks(self) -> tuple[str, ...]:
        """The tasks this dataset labels (faceschemas.datasets)."""
        return DATASET_TASKS[self.name]


DOMAINS: Registry[Domain] = Registry("synthetic dataset")


def register_domain(domain: Domain) -> Domain:
    """Adds `domain` to `DOMAINS`; a duplicate name or dataset id raises."""
    if any(d.dataset_id == domain.dataset_id and n != domain.name for n, d in DOMAINS.items()):
        raise ValueError(f"dataset id {domain.dataset_id} of {domain.name!r} is already used")
    if domain.name not in DATASET_TASKS:
        raise ValueError(f"{domain.name!r} is not a dataset known to faceschemas.datasets")
    return DOMAINS.add(domain.name, domain)


def get_domain(name: str) -> Domain:
    """The domain called `name`; UnknownNameError (a ValueError) listing the known names."""
    return DOMAINS.get(name)


def domain_names() -> list[str]:
    """Names of every synthetic dataset, in registration order."""
    return DOMAINS.names()


# ExpW-like: in-the-wild colour photos, cluttered scenes, mostly frontal, every expression.
register_domain(
    Domain(
        name="synth_expw", dataset_id=1, base_size=4000,
        emotion_prior=(0.12, 0.1, 0.1, 0.2, 0.13, 0.13, 0.22),
        yaw_mode="frontal", yaw_spread=10.0, smile_if_neutral=0.15,
        background="clutter", grey=False, brightness=(0.85, 1.1), light_strength=(0.0, 0.25),
        blur_sigma=(0.0, 0.5), noise_std=(2.0, 5.0), jpeg_quality=(60, 90),
        occluder_rate=0.1, roll_spread=4.0,
    )
)
# AFLW-like: grey, outdoor gradients, hard side light, every head turn, mostly neutral faces,
# tight crops (large, well-centred faces: clear pose cues that do not carry over to ExpW's scale).
register_domain(
    Domain(
        name="synth_aflw", dataset_id=2, base_size=2400,
        emotion_prior=(0.04, 0.03, 0.03, 0.08, 0.04, 0.03, 0.75),
        yaw_mode="uniform", yaw_spread=90.0, smile_if_neutral=0.1,
        background="gradient", grey=True, brightness=(0.7, 1.15), light_strength=(0.3, 0.6),
        blur_sigma=(0.3, 0.7), noise_std=(2.5, 7.0), jpeg_quality=(45, 75),
        occluder_rate=0.12, roll_spread=15.0, face_scale=(0.36, 0.4), centre_jitter=0.015,
    )
)
# Adience-like: dim indoor colour snapshots, noisy and compressed, all ages.
register_domain(
    Domain(
        name="synth_adience", dataset_id=3, base_size=4800,
        emotion_prior=(0.05, 0.03, 0.03, 0.3, 0.05, 0.04, 0.5),
        yaw_mode="frontal", yaw_spread=14.0, smile_if_neutral=0.2,
        background="indoor", grey=False, brightness=(0.65, 0.95), light_strength=(0.1, 0.4),
        blur_sigma=(0.2, 0.6), noise_std=(2.5, 7.0), jpeg_quality=(50, 85),
        occluder_rate=0.15, roll_spread=12.0, centre_jitter=0.03,
    )
)
# CelebA-like: clean, bright, aligned studio portraits (tight crops, large faces); about half smile.
register_domain(
    Domain(
        name="synth_celeba", dataset_id=4, base_size=2400,
        emotion_prior=(0.02, 0.02, 0.02, 0.34, 0.03, 0.05, 0.52),
        yaw_mode="frontal", yaw_spread=8.0, smile_if_neutral=0.3,
        background="studio", grey=False, brightness=(0.95, 1.15), light_strength=(0.0, 0.15),
        blur_sigma=(0.0, 0.4), noise_std=(0.5, 3.0), jpeg_quality=(80, 95),
        occluder_rate=0.05, roll_spread=4.0, face_scale=(0.36, 0.4), centre_jitter=0.015,
    )
)
