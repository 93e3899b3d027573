"""Names of the datasets the toolkit knows and the tasks each one labels.

Config validation uses this table to catch a dataset given for a task it does not label
(`--dataset_emotion=aflw`) before any work starts. A path to prepared data is always accepted:
its manifest says what it labels.
"""

from __future__ import annotations

from types import MappingProxyType

DATASET_TASKS = MappingProxyType(
    {
        "fer2013": ("emotion",),
        "ferplus": ("emotion",),
        "expw": ("emotion",),
        "sfew": ("emotion",),
        "aflw": ("pose",),
        "adience": ("age", "gender"),
        "imdb_wiki": ("age", "gender"),
        "celeba": ("smile", "gender"),
        "chalearn_lap": ("age",),
        "utkface": ("age", "gender"),
        # The built-in benchmark (`mtl data synth`): one dataset per real one it imitates.
        "synth_expw": ("emotion",),
        "synth_aflw": ("pose",),
        "synth_adience": ("age", "gender"),
        "synth_celeba": ("smile",),
    }
)

# Spellings used by the original research code and its READMEs.
DATASET_ALIASES = MappingProxyType({"imdb": "imdb_wiki", "wiki": "imdb_wiki", "SFEW": "sfew", "lap": "chalearn_lap"})


def canonical_dataset_name(name: str) -> str:
    """The canonical spelling of a known dataset name; other strings are returned unchanged."""
    return DATASET_ALIASES.get(name, name)


def looks_like_path(name: str) -> bool:
    """True when `name` should be read as a folder of prepared data rather than a dataset name."""
    return "/" in name or name.startswith(".") or name.startswith("~")
