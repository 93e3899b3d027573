"""Explicit tables from each dataset's own labels into the canonical label spaces.

Spec 1.1: FER+ uses another class order than FER2013; silently reusing indices across the two is
the bug these tables exist to prevent. A value missing from a table is an unknown label, which a
preprocessing job quarantines with its reason.
"""

from __future__ import annotations

from types import MappingProxyType

from faceschemas.tasks import AGE_GROUP_BOUNDS, TASKS

_EMOTION = TASKS["emotion"].class_names

# FER2013 `emotion` column and folder names 0..6 are already canonical.
FER2013_EMOTION = MappingProxyType({i: i for i in range(7)})

# ExpW `expression` field (label.lst, last column) follows the FER2013 order (spec 1.1).
EXPW_EMOTION = MappingProxyType({i: i for i in range(7)})

# FER+ columns of fer2013new.csv in file order, and where each goes canonically.
# contempt has no canonical class; `unknown` and `NF` (not a face) are never labels.
FERPLUS_COLUMNS = (
    "neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF",
)
FERPLUS_EMOTION = MappingProxyType(
    {
        "neutral": _EMOTION.index("neutral"),
        "happiness": _EMOTION.index("happy"),
        "surprise": _EMOTION.index("surprise"),
        "sadness": _EMOTION.index("sad"),
        "anger": _EMOTION.index("angry"),
        "disgust": _EMOTION.index("disgust"),
        "fear": _EMOTION.index("fear"),
    }
)
# The FER+ 8-class index order used by the original code (spec 1.1), for reading its label lists.
FERPLUS_INDEX_TO_NAME = MappingProxyType(dict(enumerate(FERPLUS_COLUMNS[:8])))

# SFEW 2.0 class folder names.
SFEW_EMOTION = MappingProxyType(
    {
        "Angry": _EMOTION.index("angry"),
        "Disgust": _EMOTION.index("disgust"),
        "Fear": _EMOTION.index("fear"),
        "Happy": _EMOTION.index("happy"),
        "Sad": _EMOTION.index("sad"),
        "Surprise": _EMOTION.index("surprise"),
        "Neutral": _EMOTION.index("neutral"),
    }
)

# Adience fold files give the age group as the string "(lo, hi)"; the label is the group index.
ADIENCE_AGE_GROUPS = MappingProxyType({f"({lo}, {hi})": i for i, (lo, hi) in enumerate(AGE_GROUP_BOUNDS)})

# Gender codes per source: Adience f/m (u dropped), IMDB-WIKI 0.0/1.0 (NaN dropped),
# CelebA `Male` attribute -1/1, UTKFace 0 male / 1 female (note: the reverse of IMDB-WIKI).
GENDER_NAMES = TASKS["gender"].class_names
ADIENCE_GENDER = MappingProxyType({"f": 0, "m": 1})
IMDB_WIKI_GENDER = MappingProxyType({0: 0, 1: 1})
CELEBA_BINARY = MappingProxyType({-1: 0, 1: 1})
UTKFACE_GENDER = MappingProxyType({0: 1, 1: 0})

# CelebA: Smiling is attribute 31 and Male attribute 20 of the 40 in list_attr_celeba.txt.
CELEBA_SMILE_ATTRIBUTE = "Smiling"
CELEBA_GENDER_ATTRIBUTE = "Male"

REMAP_TABLES = MappingProxyType(
    {
        "fer2013/emotion": FER2013_EMOTION,
        "expw/emotion": EXPW_EMOTION,
        "ferplus/emotion": FERPLUS_EMOTION,
        "sfew/emotion": SFEW_EMOTION,
        "adience/age": ADIENCE_AGE_GROUPS,
        "adience/gender": ADIENCE_GENDER,
        "imdb_wiki/gender": IMDB_WIKI_GENDER,
        "celeba/smile": CELEBA_BINARY,
        "celeba/gender": CELEBA_BINARY,
        "utkface/gender": UTKFACE_GENDER,
    }
)


def remap(table: str, value: object) -> int:
    """Canonical index of `value` in the named table, or ValueError naming table and value."""
    mapping = REMAP_TABLES[table]
    try:
        return mapping[value]
    except KeyError:
        known = ", ".join(repr(k) for k in mapping)
        raise ValueError(f"label {value!r} is not in {table} (known: {known})") from None
