"""How age shows on a synthetic face: child proportions, wrinkles and greying hair.

Each cue is a piecewise-linear curve of the age in years whose knots sit inside the Adience
groups (0-2, 4-6, 8-12, 15-20, 25-32, 38-43, 48-53, 60+), so neighbouring groups differ by a
visible step while ages inside a group still vary a little, as real faces do:

| group | look |
|---|---|
| 0-2 | no hair, round head, large low-set eyes, rosy cheeks |
| 4-6, 8-12 | child proportions fading towards adult ones |
| 15-20 | adult proportions, smooth skin, no beard yet |
| 25-32 | first faint forehead line and nasolabial folds |
| 38-43 | two forehead lines, crow's feet, first grey strands |
| 48-53 | three lines, bags under the eyes, neck lines, half grey |
| 60+ | four lines, marionette lines, age spots, white hair |

Cues sit away from the brows, eyes and mouth where possible (forehead above a raised brow,
outer eye corners, cheeks, neck) so that age does not overwrite the expression cues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (age in years, value) knots of each cue.
_CHILD = ((0.0, 1.0), (3.0, 0.85), (7.0, 0.55), (13.0, 0.2), (16.0, 0.0))
_WRINKLES = ((21.0, 0.0), (25.0, 1.0), (32.0, 1.3), (38.0, 2.0), (43.0, 2.3), (48.0, 3.0), (53.0, 3.3),
             (60.0, 4.0))
_GREY = ((34.0, 0.0), (40.0, 0.3), (50.0, 0.6), (60.0, 0.9), (70.0, 1.0))

# Wrinkle level from which each later feature shows (between the knots of neighbouring groups).
FEATURE_LEVELS = {"crows_feet": 1.8, "eye_bags": 2.6, "neck_lines": 2.6, "marionette_lines": 3.6,
                  "age_spots": 3.6}
BALD_BELOW = 3.0  # babies: no hair at all
BEARD_FROM = 20.0  # youngest age with a beard (men only)


def _curve(knots: tuple[tuple[float, float], ...], age: float) -> float:
    xs, ys = zip(*knots, strict=True)
    return float(np.interp(age, xs, ys))


@dataclass(frozen=True)
class AgeLook:
    """The age cues of one face, each in [0, 1] except `wrinkles` (0 to 4 levels)."""

    child: float  # 1 newborn proportions, 0 adult
    wrinkles: float  # forehead lines and folds; each whole level adds a feature
    grey: float  # share of grey in the hair

    @property
    def bald_baby(self) -> bool:
        return self.child > _curve(_CHILD, BALD_BELOW)

    def shows(self, feature: str) -> bool:
        """Whether the wrinkle-level feature `feature` (a FEATURE_LEVELS key) is drawn."""
        return self.wrinkles >= FEATURE_LEVELS[feature]


def age_look(age_years: float) -> AgeLook:
    """The age cues of a face aged `age_years`."""
    return AgeLook(child=_curve(_CHILD, age_years), wrinkles=_curve(_WRINKLES, age_years),
                   grey=_curve(_GREY, age_years))
