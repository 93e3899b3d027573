"""Command-line flags -> ExperimentConfig, accepting the original research flags unchanged.

Published commands of the original code (spec 5, 7, 8) must run as they were printed, including
their typos: `--is_pesudo=False--is_interpolation=False` (two flags glued together) and
`distill_t=1` (no dashes) are repaired with a note. Every flag, clean or legacy, is routed to one
dotted field of `ExperimentConfig`; an unknown flag or a bad value is one line naming the flag.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from faceschemas.config import (
    DistillSettings,
    ExperimentConfig,
    PseudoLabelSettings,
    RegularizerSettings,
    TrainingSettings,
)
from faceschemas.tasks import TASKS, parse_tasks


class ConfigError(ValueError):
    """A user's configuration mistake; its message is one line meant to be printed as is."""


def parse_bool(text: str) -> bool:
    """Strict boolean of a flag value: True/False, 1/0, yes/no (any case)."""
    lowered = str(text).strip().lower()
    if lowered in ("true", "1", "yes", "y", "on"):
        return True
    if lowered in ("false", "0", "no", "n", "off", "none"):
        return False
    raise ValueError(f"expected True or False, got {text!r}")


@dataclass(frozen=True)
class Route:
    """Where a flat flag lands: a dotted config path and how its text becomes a value."""

    path: str
    convert: Callable[[str], Any] | None = None
    legacy: bool = False


def _group_routes(prefix: str, model: type[BaseModel], flat: bool) -> dict[str, Route]:
    routes = {}
    for name in model.model_fields:
        flag = name if flat else (prefix if name == "enabled" else f"{prefix}_{name}")
        routes[flag] = Route(f"{prefix}.{name}")
    return routes


def _clean_routes() -> dict[str, Route]:
    routes = {n: Route(n) for n in ("method", "preset", "tasks", "backbone", "naive", "seed", "init_from")}
    routes |= _group_routes("training", TrainingSettings, flat=True)
    routes |= _group_routes("distill", DistillSettings, flat=False)
    routes |= _group_routes("pseudo", PseudoLabelSettings, flat=False)
    routes |= _group_routes("regularizers", RegularizerSettings, flat=False)
    for task in TASKS:
        routes[f"dataset_{task}"] = Route(f"datasets.{task}")
        routes[f"{task}_loss_weight"] = Route(f"loss_weights.{task}")
    routes["kd_form"] = Route("distill.kd_form")
    return routes


_STL_TASK_TYPES = {0: "emotion", 1: "age", 5: "pose", 10: "gender"}
_MANIFOLD_WEIGHT = 1e-4  # spec 7.5: the only magnitude the original code uses.


def _stl_task(text: str) -> str:
    value = int(text)
    if value not in _STL_TASK_TYPES:
        known = ", ".join(f"{k} ({v})" for k, v in _STL_TASK_TYPES.items())
        raise ValueError(f"task_type {value} is not an STL task; known: {known}")
    return _STL_TASK_TYPES[value]


def _weight_if(text: str) -> float:
    return _MANIFOLD_WEIGHT if parse_bool(text) else 0.0


def _legacy_routes() -> dict[str, Route]:
    """The original scripts' flags (spec 3.5, 5, 6, 8.2) and the READMEs' undefined ones."""
    table = {
        "model": Route("backbone"),
        "epoch": Route("training.epochs"),
        "batch_size": Route("training.batch_size"),
        "is_augmentation": Route("training.augmentation"),
        "is_dropout": Route("training.dropout"),
        "is_bn": Route("training.batch_norm"),
        "weights_decay": Route("training.weight_decay"),
        "is_freezing": Route("training.freeze_backbone"),
        "no_freezing_epoch": Route("training.freeze_epochs"),
        "num_worker": Route("training.num_workers"),
        "is_naive": Route("naive"),
        "is_distilled": Route("distill.enabled"),
        "distill_t": Route("distill.temperature"),
        "is_pesudo": Route("pseudo.enabled"),
        "is_pesudo_confidence": Route("pseudo.confidence"),
        "is_pesudo_density": Route("pseudo.density"),
        "is_pesudo_distribution": Route("pseudo.distribution"),
        "is_interpolation": Route("pseudo.mode", lambda t: "soft" if parse_bool(t) else "hard"),
        "selection_threshold": Route("pseudo.selection_threshold"),
        "interpolation_weights": Route("pseudo.interpolation_weight"),
        "density_t": Route("pseudo.density_quantile"),
        "cluster_k": Route("pseudo.cluster_k"),
        "task_type": Route("tasks", _stl_task),
        "dataset": Route("datasets.<task>"),
        # Flags the baseline READMEs pass although the scripts never defined them (spec 5.2, 7).
        "is_MRF": Route("pseudo.refine", lambda t: "mrf" if parse_bool(t) else "none"),
        "is_lnorm": Route("regularizers.l21", _weight_if),
        "is_trace_norm": Route("regularizers.trace_norm", _weight_if),
        "is_nuclear_norm": Route("regularizers.trace_norm", _weight_if),
    }
    for task, spec in TASKS.items():
        table[f"dataset_{task}"] = Route(f"datasets.{task}")
        table[f"{spec.letter}_loss_weights"] = Route(f"loss_weights.{task}")
    return {name: Route(r.path, r.convert, legacy=True) for name, r in table.items()}


CLEAN_FLAGS = _clean_routes()
_CLEAN_BY_PATH = {route.path: f"--{name}" for name, route in CLEAN_FLAGS.items()}
LEGACY_FLAGS = _legacy_routes()
ALL_FLAGS = CLEAN_FLAGS | LEGACY_FLAGS

PRESETS: dict[str, dict[str, Any]] = {
    "all-in-one": {"method": "joint", "naive": True},
    "dml-lwf": {"method": "alternative", "distill.enabled": True, "distill.temperature": 1.0},
    "distilling": {"method": "alternative", "distill.enabled": True, "distill.temperature": 2.0},
    # SA-MTL setting (a) of spec 5.3, the main one: soft interpolation, threshold 0, k = 4.
    "sa-mtl": {
        "method": "alternative", "pseudo.enabled": True, "pseudo.confidence": True, "pseudo.density": True,
        "pseudo.distribution": True, "pseudo.mode": "soft", "pseudo.selection_threshold": 0.0,
        "pseudo.cluster_k": 4, "pseudo.density_quantile": 0.6, "distill.temperature": 2.0,
    },
    # SA-MTL setting (b): hard selection at 0.8, k = 3.
    "sa-mtl-hard": {
        "method": "alternative", "pseudo.enabled": True, "pseudo.confidence": True, "pseudo.density": True,
        "pseudo.distribution": True, "pseudo.mode": "hard", "pseudo.selection_threshold": 0.8,
        "pseudo.cluster_k": 3, "pseudo.density_quantile": 0.6, "distill.temperature": 2.0,
    },
    "lel-ltn": {"method": "joint", "pseudo.enabled": True, "regularizers.label_transfer": True},
    "dcn-ap": {"method": "joint", "pseudo.enabled": True, "pseudo.refine": "label_propagation"},
    "sfsmr": {"method": "joint", "regularizers.l21": 1e-4, "regularizers.trace_norm": 1e-4, "regularizers.laplacian": 1e-4},
    "slrm": {"method": "joint", "regularizers.trace_norm": 1e-4, "regularizers.laplacian": 1e-4},
}

# The original entry points (spec, table at the top): a copied `python X.py ...` line names them.
ORIGINAL_SCRIPTS = {
    "STL_general_train.py": {"method": "stl"},
    "CONFUSION_EP_multitask.py": {"method": "joint", "tasks": "EP"},
    "CONFUSION_EP_multitask_manifold.py": {"method": "joint", "tasks": "EP"},
    "CONFUSION_EPGA_multitask.py": {"method": "joint", "tasks": "EPGA"},
    "ALTERNATIVE_EP.py": {"method": "alternative", "tasks": "EP"},
}


@dataclass
class Resolution:
    """A resolved config and what the resolver repaired or ignored on the way."""

    config: ExperimentConfig
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FlagToken:
    name: str
    value: str
    typed: str


_GLUED = re.compile(r"(?<=[^-\s])(?=--[A-Za-z])")


def tokenize(argv: Iterable[str], notes: list[str]) -> tuple[list[FlagToken], list[str]]:
    """Splits argv into flags and positional words, repairing the published typos with a note."""
    pieces = []
    for raw in argv:
        parts = _GLUED.split(raw) if raw.startswith("--") else [raw]
        if len(parts) > 1:
            notes.append(f"split glued flags {raw!r} into {' '.join(parts)}")
        pieces.extend(parts)
    flags, words, i = [], [], 0
    while i < len(pieces):
        token = pieces[i]
        if token.startswith("--"):
            name, sep, value = token[2:].partition("=")
            if not sep:
                has_value = i + 1 < len(pieces) and not pieces[i + 1].startswith("--")
                value, i = (pieces[i + 1], i + 1) if has_value else ("True", i)
            flags.append(FlagToken(name.replace("-", "_"), value, f"--{name}"))
        elif "=" in token and token.split("=", 1)[0].replace("-", "_") in ALL_FLAGS:
            name, _, value = token.partition("=")
            notes.append(f"read {token!r} as --{token} (the dashes were missing)")
            flags.append(FlagToken(name.replace("-", "_"), value, f"--{name}"))
        else:
            words.append(token)
        i += 1
    return flags, words


def _unknown_flag(name: str) -> ConfigError:
    close = difflib.get_close_matches(name, list(ALL_FLAGS), n=3)
    hint = f"; did you mean {', '.join('--' + c for c in close)}?" if close else "; `mtl config flags` lists them"
    return ConfigError(f"--{name}: unknown flag{hint}")


def _set(tree: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[leaf] = value


def _script_defaults(words: list[str], notes: list[str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for word in words:
        if word in ("python", "python3"):
            continue
        script = word.rsplit("/", 1)[-1]
        if script not in ORIGINAL_SCRIPTS:
            raise ConfigError(f"{word}: unexpected word; flags start with -- (known scripts: {', '.join(ORIGINAL_SCRIPTS)})")
        defaults |= ORIGINAL_SCRIPTS[script]
        notes.append(f"{script} is method {defaults['method']}" + (f" on tasks {defaults['tasks']}" if "tasks" in defaults else ""))
    return defaults


def _apply_flag(tree: dict[str, Any], token: FlagToken, typed_paths: dict[str, str]) -> None:
    route = ALL_FLAGS.get(token.name)
    if route is None:
        raise _unknown_flag(token.name)
    try:
        value = route.convert(token.value) if route.convert else token.value
    except ValueError as err:
        raise ConfigError(f"{token.typed}: {err}") from None
    path = route.path
    if path == "datasets.<task>":
        path = "datasets.__single__"
    _set(tree, path, value)
    typed_paths[path] = token.typed


def resolve(
    argv: Iterable[str],
    method: str | None = None,
    tasks: str | None = None,
    preset: str | None = None,
) -> Resolution:
    """Resolves command-line flags (clean or original) into a validated ExperimentConfig.

    Precedence, lowest first: field defaults, the original script's implied method and tasks,
    the preset's bundle, then every explicit flag and option.
    """
    notes: list[str] = []
    flags, words = tokenize(argv, notes)
    tree: dict[str, Any] = {}
    for key, value in _script_defaults(words, notes).items():
        _set(tree, key, value)
    typed_paths: dict[str, str] = {}
    for token in flags:
        _apply_flag(tree, token, typed_paths)
    for key, value in (("method", method), ("tasks", tasks), ("preset", preset)):
        if value is not None:
            _set(tree, key, value)
            typed_paths[key] = f"--{key}"
    _apply_preset(tree, typed_paths)
    _place_single_dataset(tree)
    if "method" not in tree:
        raise ConfigError("--method: missing; give --method stl|joint|alternative or a --preset")
    if "tasks" not in tree:
        raise ConfigError("--tasks: missing; give task letters such as --tasks EP")
    config = _validate(tree, typed_paths)
    notes.extend(_ignored_settings(config))
    return Resolution(config, notes)


def _apply_preset(tree: dict[str, Any], typed_paths: dict[str, str]) -> None:
    name = tree.get("preset")
    if name is None:
        return
    if name not in PRESETS:
        raise ConfigError(f"--preset: unknown preset {name!r}; known: {', '.join(PRESETS)}")
    bundle = PRESETS[name]
    if "method" in tree and tree["method"] != bundle["method"]:
        raise ConfigError(f"--method: preset {name} is a {bundle['method']} method, not {tree['method']}")
    for path, value in bundle.items():
        if path not in typed_paths:
            _set(tree, path, value)


def _place_single_dataset(tree: dict[str, Any]) -> None:
    datasets = tree.get("datasets", {})
    if "__single__" not in datasets:
        return
    name = datasets.pop("__single__")
    try:
        task_names = parse_tasks(tree.get("tasks", ""))
    except ValueError:
        raise ConfigError("--dataset: names the dataset of a single task; give --task_type or --tasks") from None
    if len(task_names) != 1:
        raise ConfigError("--dataset: only for single-task runs; use --dataset_<task> for each task")
    datasets[task_names[0]] = name


def _validate(tree: dict[str, Any], typed_paths: dict[str, str]) -> ExperimentConfig:
    try:
        return ExperimentConfig.model_validate(tree)
    except ValidationError as err:
        raise ConfigError(_one_line(err, typed_paths)) from None
    except ValueError as err:  # raised by field helpers outside pydantic's wrapping
        raise ConfigError(str(err)) from None


def _one_line(err: ValidationError, typed_paths: dict[str, str]) -> str:
    first = err.errors()[0]
    path = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if not path and ":" in message:
        path, message = (s.strip() for s in message.split(":", 1))
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    shown = typed_paths.get(path) or _CLEAN_BY_PATH.get(path, path)
    given = f" (got {first['input']!r})" if first["type"] not in ("extra_forbidden", "value_error") and "input" in first else ""
    return f"{shown}: {message}{given}"


def _ignored_settings(config: ExperimentConfig) -> list[str]:
    notes = []
    pseudo = config.pseudo
    if not pseudo.enabled and (pseudo.weighted or pseudo.mode == "soft"):
        notes.append("pseudo-label weighting flags have no effect without is_pesudo (as in the original)")
    return notes


def flag_table() -> list[tuple[str, str, bool]]:
    """(flag, config path, is_legacy) for every accepted flag, sorted by name."""
    return sorted((f"--{n}", r.path, r.legacy) for n, r in ALL_FLAGS.items())
