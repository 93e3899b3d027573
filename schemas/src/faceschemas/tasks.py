"""Canonical label spaces of the five face-attribute tasks.

Every dataset maps into exactly one label space per task (see `faceschemas.remaps`), so index 3
of emotion means "happy" everywhere, whatever the source dataset called it.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from faceschemas.base import FrozenModel

TaskName = Literal["emotion", "pose", "age", "gender", "smile"]


class TaskSpec(FrozenModel):
    """One task: its CLI letter, its classes in canonical order, and its continuous values."""

    name: TaskName
    letter: str = Field(min_length=1, max_length=1, description="Letter used on the CLI (E, P, A, G, S).")
    class_names: tuple[str, ...] = Field(description="Class names in canonical index order.")
    description: str
    continuous_values: tuple[str, ...] = Field(
        default=(), description="Continuous targets that may accompany the class (record keys value/<name>)."
    )

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


# Pose bins follow the AFLW convention of the original code (spec 1.2), named by interval.
# Sign convention: yaw is in degrees, positive when the subject turns to *their* left, i.e. the
# face points towards the right of the image (AFLW's sign). Bins are half-open as in the original:
# |yaw| < 10 frontal; [10, 60); (-60, -10]; <= -60; >= 60.
POSE_BIN_NAMES = ("yaw(-10,10)", "yaw[10,60)", "yaw(-60,-10]", "yaw(-inf,-60]", "yaw[60,inf)")

# Adience age groups (spec 1.3): the label is the index of the group's first age.
AGE_GROUP_BOUNDS = ((0, 2), (4, 6), (8, 12), (15, 20), (25, 32), (38, 43), (48, 53), (60, 100))
AGE_GROUP_NAMES = tuple(f"{lo}-{hi}" for lo, hi in AGE_GROUP_BOUNDS)

TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (
        TaskSpec(
            name="emotion",
            letter="E",
            class_names=("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"),
            description="Facial expression, 7 classes in FER2013 order.",
        ),
        TaskSpec(
            name="pose",
            letter="P",
            class_names=POSE_BIN_NAMES,
            description="Head yaw in 5 bins (degrees; positive = face turned towards image right).",
            continuous_values=("yaw", "pitch", "roll"),
        ),
        TaskSpec(
            name="age",
            letter="A",
            class_names=AGE_GROUP_NAMES,
            description="Age group, the 8 Adience groups.",
            continuous_values=("age_years",),
        ),
        TaskSpec(
            name="gender",
            letter="G",
            class_names=("female", "male"),
            description="Gender, 2 classes.",
        ),
        TaskSpec(
            name="smile",
            letter="S",
            class_names=("no", "yes"),
            description="Smiling, 2 classes (CelebA attribute 31).",
        ),
    )
}

TASK_BY_LETTER: dict[str, TaskSpec] = {spec.letter: spec for spec in TASKS.values()}


def get_task(name: str) -> TaskSpec:
    """Returns the task called `name`, or raises ValueError listing the known tasks."""
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(TASKS)}") from None


def parse_tasks(spec: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Turns CLI letters ("EP"), a comma list ("emotion,pose") or a sequence into task names.

    The result keeps the canonical order E, P, A, G, S so that "PE" and "EP" name one model.
    """
    if isinstance(spec, str):
        tokens = [t.strip() for t in spec.split(",")] if "," in spec else None
        if tokens is None:
            tokens = [spec] if spec in TASKS else list(spec.strip())
    else:
        tokens = list(spec)
    names = []
    for token in tokens:
        if token.upper() in TASK_BY_LETTER and len(token) == 1:
            names.append(TASK_BY_LETTER[token.upper()].name)
        elif token in TASKS:
            names.append(token)
        else:
            letters = "".join(TASK_BY_LETTER)
            raise ValueError(f"unknown task {token!r}; use letters from {letters} or names {', '.join(TASKS)}")
    if len(set(names)) != len(names):
        raise ValueError(f"task listed twice in {spec!r}")
    if not names:
        raise ValueError("no task given")
    order = list(TASKS)
    return tuple(sorted(names, key=order.index))


def task_letters(tasks: tuple[str, ...] | list[str]) -> str:
    """The CLI letters of `tasks`, e.g. ("emotion", "pose") -> "EP"."""
    return "".join(TASKS[t].letter for t in tasks)


def yaw_to_bin(yaw_degrees: float) -> int:
    """Canonical pose bin of a yaw angle in degrees (spec 1.2, AFLW `yaw_transfer`)."""
    if math.isnan(yaw_degrees):
        raise ValueError("yaw is NaN")
    if abs(yaw_degrees) < 10:
        return 0
    if 10 <= yaw_degrees < 60:
        return 1
    if -60 < yaw_degrees <= -10:
        return 2
    if yaw_degrees <= -60:
        return 3
    return 4


def age_years_to_group(age: float) -> int | None:
    """Adience group index of an age in years; None for NaN or negative ages.

    Adience's groups leave gaps (3, 7, 13-14, 21-24, ...). An age in a gap goes to the nearest
    group by its distance to the group's interval (ties go to the younger group).
    """
    if math.isnan(age) or age < 0:
        return None
    best, best_gap = 0, math.inf
    for index, (lo, hi) in enumerate(AGE_GROUP_BOUNDS):
        gap = 0.0 if lo <= age <= hi else min(abs(age - lo), abs(age - hi))
        if gap < best_gap:
            best, best_gap = index, gap
    return best
