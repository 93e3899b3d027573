"""Command-line flags -> ExperimentConfig, accepting the original research flags unchanged.

Published commands of the original code (spec 5, 7, 8) must run as they were printed, including
their typos: `--is_pesudo=False--is_interpolation=False` (two flags glued together) and
`distill_t=1` (no dashes) are repaired with a note. Every flag, clean or legacy, is routed to one
dotted field of `ExperimentConfig`; an unknown flag, a bad value or a field set twice to different
values is one line naming the flag. The READMEs' placeholder zeros beside a switched-off feature
(`--is_pesudo_density=False --density_t=0`) mean 'unused' and are ignored with a note.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from faceschemas.catalogue import declarative_components
from faceschemas.config import (
    DistillSettings,
    ExperimentConfig,
    PseudoLabelSettings,
    RegularizerSettings,
    TrainingSettings,
)
from faceschemas.datasets import DATASET_TASKS, canonical_dataset_name
from faceschemas.registry import Registry, UnknownNameError
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
    routes = {n: Route(n) for n in ("method", "preset", "tasks", "backbone", "naive", "seed", "init_from",
                                    "full_labels")}
    routes |= _group_routes("training", TrainingSettings, flat=True)
    routes |= _group_routes("distill", DistillSettings, flat=False)
    routes |= _group_routes("pseudo", PseudoLabelSettings, flat=False)
    routes |= _group_routes("regularizers", RegularizerSettings, flat=False)
    for task in TASKS:
        routes[f"dataset_{task}"] = Route(f"datasets.{task}")
        routes[f"{task}_loss_weight"] = Route(f"loss_weights.{task}")
    routes["kd_form"] = Route("distill.kd_form")
    # Short names for the pseudo-label settings the issues and docs use (`--pseudo-every 2`).
    routes["pseudo_every"] = Route("pseudo.every_epochs")
    routes["pseudo_warmup"] = Route("pseudo.warmup_epochs")
    for leaf in ("cluster_method", "unselected", "distribution_metric", "confidence_threshold", "refine", "density_quantile"):
        routes[leaf] = Route(f"pseudo.{leaf}")
    return routes


_STL_TASK_TYPES = {0: "emotion", 1: "age", 5: "pose", 10: "gender"}

# The manifold READMEs' flags (spec 7.5) name a baseline, not a weight: a True one selects that
# baseline's preset. SLRM's line repeats SFSMR's `--is_lnorm=True --is_trace_norm=True` and adds
# `--is_nuclear_norm=True`, so the flag of a baseline's own term decides, in this order: the
# nuclear norm is SLRM's, the l2,1 norm SFSMR's, and a trace norm alone is SLRM's low rank.
_BASELINE_FLAGS = (("is_nuclear_norm", "slrm"), ("is_lnorm", "sfsmr"), ("is_trace_norm", "slrm"))

# Switches that only ALTERNATIVE_EP.py has: distillation and SA-MTL's weights (spec 5.3, 6).
_ALTERNATIVE_ONLY = ("distill.enabled", "pseudo.confidence", "pseudo.density", "pseudo.distribution")

# Setting -> the switches that make it used (any one on; "path=value" for a non-boolean switch).
# The READMEs type 0 for a setting whose feature they switch off (`--is_pesudo_density=False
# --density_t=0`): that zero means 'unused', so it is ignored (the default stays) rather than
# validated. With a switch on, the zero is validated like any value (`--density_t` must be > 0).
_USED_ONLY_WITH = {
    "pseudo.density_quantile": ("pseudo.density",),
    "pseudo.cluster_k": ("pseudo.distribution",),
    "pseudo.selection_threshold": ("pseudo.enabled",),
    "pseudo.confidence_threshold": ("pseudo.enabled",),
    "pseudo.interpolation_weight": ("pseudo.mode=soft",),
    "distill.temperature": ("distill.enabled", "pseudo.enabled"),  # pseudo: unselected rows are distilled
    "training.freeze_epochs": ("training.freeze_backbone",),
}


def _stl_task(text: str) -> str:
    value = int(text)
    if value not in _STL_TASK_TYPES:
        known = ", ".join(f"{k} ({v})" for k, v in _STL_TASK_TYPES.items())
        raise ValueError(f"task_type {value} is not an STL task; known: {known}")
    return _STL_TASK_TYPES[value]


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
    }
    table |= {name: Route("preset") for name, _ in _BASELINE_FLAGS}
    for task, spec in TASKS.items():
        table[f"dataset_{task}"] = Route(f"datasets.{task}")
        table[f"{spec.letter}_loss_weights"] = Route(f"loss_weights.{task}")
    return {name: Route(r.path, r.convert, legacy=True) for name, r in table.items()}


CLEAN_FLAGS = _clean_routes()
_CLEAN_BY_PATH = {route.path: f"--{name}" for name, route in CLEAN_FLAGS.items()}
LEGACY_FLAGS = _legacy_routes()
ALL_FLAGS = CLEAN_FLAGS | LEGACY_FLAGS

PRESET_FAMILY = "method_presets"  # mtl_methods/presets/*.toml, read by faceschemas.catalogue
DESCRIPTION = "description"  # a preset file's one line for `mtl list presets`; not a setting


def method_presets() -> Registry[dict[str, Any]]:
    """Every method preset by name: {"group.setting": value}, its description included."""
    return declarative_components(PRESET_FAMILY)


def preset_settings(name: str) -> dict[str, Any]:
    """The settings that `--preset name` applies; UnknownNameError naming the known presets."""
    return {path: value for path, value in method_presets().get(name).items() if path != DESCRIPTION}


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
    label: str = ""

    @property
    def shown(self) -> str:
        """The flag as the user wrote it, for messages: `--epoch=3`."""
        return self.label or f"{self.typed}={self.value}"


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


def _get(tree: dict[str, Any], path: str) -> Any:
    """The value at `path` in the tree, else the field's default."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _field_default(path)
        node = node[part]
    return node


def _field_default(path: str) -> Any:
    model: Any = ExperimentConfig
    *groups, leaf = path.split(".")
    for group in groups:
        model = model.model_fields[group].annotation
    return model.model_fields[leaf].default


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


def _baseline_preset(flags: list[FlagToken], notes: list[str]) -> list[FlagToken]:
    """Replaces the manifold READMEs' baseline flags by one --preset token (see _BASELINE_FLAGS)."""
    markers = dict(_BASELINE_FLAGS)
    given = {t.name: t for t in flags if t.name in markers}
    rest = [t for t in flags if t.name not in markers]
    for token in given.values():
        try:
            parse_bool(token.value)
        except ValueError as err:
            raise ConfigError(f"{token.typed}: {err}") from None
    chosen = next((given[n] for n, _ in _BASELINE_FLAGS if n in given and parse_bool(given[n].value)), None)
    if chosen is None:
        return rest
    preset = markers[chosen.name]
    names = " ".join(t.typed for t in given.values() if parse_bool(t.value))
    notes.append(f"{names} name the {preset.upper()} baseline: preset {preset} (spec 7.5)")
    return [*rest, FlagToken("preset", preset, chosen.typed, f"{chosen.shown} (preset {preset})")]


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    for parse in (float, parse_bool):
        try:
            return parse(str(a)) == parse(str(b))
        except ValueError:
            continue
    return False


def _apply_flag(tree: dict[str, Any], token: FlagToken, typed: dict[str, FlagToken], notes: list[str]) -> None:
    route = ALL_FLAGS.get(token.name)
    if route is None:
        raise _unknown_flag(token.name)
    try:
        value = route.convert(token.value) if route.convert else token.value
    except ValueError as err:
        raise ConfigError(f"{token.typed}: {err}") from None
    path = "datasets.__single__" if route.path == "datasets.<task>" else route.path
    first = typed.get(path)
    if first is not None:
        # The last of two values silently winning hides a mistake; the same value twice is harmless.
        if not _same(_get(tree, path), value):
            raise ConfigError(f"{token.shown}: contradicts {first.shown} (both set {path}); give it once")
        notes.append(f"{token.shown} repeats {first.shown}")
        return
    _set(tree, path, value)
    typed[path] = token


def resolve(
    argv: Iterable[str],
    method: str | None = None,
    tasks: str | None = None,
    preset: str | None = None,
) -> Resolution:
    """Resolves command-line flags (clean or original) into a validated ExperimentConfig.

    Precedence, lowest first: field defaults, the original script's implied method and tasks,
    the preset's bundle, then every explicit flag and option (each field set once).
    """
    notes: list[str] = []
    flags, words = tokenize(argv, notes)
    legacy = any(t.name in LEGACY_FLAGS for t in flags)
    flags = _baseline_preset(flags, notes)
    flags += [FlagToken(k, v, f"--{k}") for k, v in (("method", method), ("tasks", tasks), ("preset", preset)) if v is not None]
    tree: dict[str, Any] = {}
    for key, value in _script_defaults(words, notes).items():
        _set(tree, key, value)
    typed: dict[str, FlagToken] = {}
    for token in flags:
        _apply_flag(tree, token, typed, notes)
    _apply_preset(tree, typed)
    if legacy:
        _infer_strategy(tree, typed, notes)
    _ignore_unused(tree, typed, notes)
    _place_single_dataset(tree, typed, notes)
    if "method" not in tree:
        raise ConfigError("--method: missing; give --method stl|joint|alternative or a --preset")
    if "tasks" not in tree:
        raise ConfigError("--tasks: missing; give task letters such as --tasks EP")
    config = _validate(tree, typed)
    notes.extend(_explain(config, tree))
    return Resolution(config, notes)


def _apply_preset(tree: dict[str, Any], typed: dict[str, FlagToken]) -> None:
    name = tree.get("preset")
    if name is None:
        return
    try:
        bundle = preset_settings(name)
    except UnknownNameError as err:
        raise ConfigError(f"--preset: {err}") from None
    if "method" in tree and tree["method"] != bundle["method"]:
        raise ConfigError(f"--method: preset {name} is a {bundle['method']} method, not {tree['method']}")
    for path, value in bundle.items():
        if path not in typed:
            _set(tree, path, value)


def _infer_strategy(tree: dict[str, Any], typed: dict[str, FlagToken], notes: list[str]) -> None:
    """Tasks and method of a published line given without its `python SCRIPT.py`.

    The dataset flags name the tasks. Distillation and SA-MTL's weights exist only in
    ALTERNATIVE_EP.py (spec 5.3); other multi-task lines are joint training (the CONFUSION_*
    scripts), and a single task is STL.
    """
    found = []
    named = [t for t in tree.get("datasets", {}) if t != "__single__"]
    if "tasks" not in tree and named:
        tree["tasks"] = ",".join(named)
        found.append(f"tasks {tree['tasks']} from the dataset flags")
    if "method" not in tree and "tasks" in tree:
        try:
            count = len(parse_tasks(tree["tasks"]))
        except ValueError:
            return  # validation names the bad --tasks
        alternating = [p for p in _ALTERNATIVE_ONLY if _is_on(tree, p)]
        tree["method"] = "stl" if count == 1 else "alternative" if alternating else "joint"
        found.append(f"method {tree['method']}" + (f" ({_switch_name(alternating[0], typed)} needs it)" if count > 1 and alternating else ""))
    if found:
        notes.append(f"no script, --method or --preset: {'; '.join(found)}")


def _ignore_unused(tree: dict[str, Any], typed: dict[str, FlagToken], notes: list[str]) -> None:
    """Drops the placeholder zeros of settings whose switches are all off (see _USED_ONLY_WITH)."""
    dropped, idle = [], []
    for setting, switches in _USED_ONLY_WITH.items():
        token = typed.get(setting)
        if token is None or any(_is_on(tree, s) for s in switches):
            continue
        off = _switch_name(switches[0], typed)
        if _is_zero(_get(tree, setting)):
            group, leaf = setting.split(".")
            del tree[group][leaf]
            del typed[setting]
            dropped.append(f"{token.shown} ({off} is off)")
        else:
            idle.append(f"{token.shown} ({off} is off)")
    if dropped:
        notes.append(f"ignored the placeholders for unused settings: {', '.join(dropped)}")
    if idle:
        notes.append(f"no effect: {', '.join(idle)}")


def _is_on(tree: dict[str, Any], switch: str) -> bool:
    path, _, wanted = switch.partition("=")
    value = _get(tree, path)
    if wanted:
        return str(value) == wanted
    try:
        return parse_bool(str(value))
    except ValueError:
        return True  # a bad switch value is reported by validation, with its flag


def _is_zero(value: Any) -> bool:
    try:
        return float(value) == 0
    except (TypeError, ValueError):
        return False


def _switch_name(switch: str, typed: dict[str, FlagToken]) -> str:
    path = switch.partition("=")[0]
    return typed[path].typed if path in typed else _CLEAN_BY_PATH.get(path, path)


def _place_single_dataset(tree: dict[str, Any], typed: dict[str, FlagToken], notes: list[str]) -> None:
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
    task, labels = task_names[0], DATASET_TASKS.get(canonical_dataset_name(name), ())
    by_type = typed.get("tasks")
    if by_type is not None and by_type.name == "task_type" and task not in labels and len(labels) == 1:
        # The README's STL pose line says --task_type=10 (gender) for AFLW, which labels pose only (spec 1.6).
        notes.append(f"{by_type.shown} is {task}, but {name} labels only {labels[0]}: training {labels[0]}")
        task = tree["tasks"] = labels[0]
    datasets[task] = name


def _validate(tree: dict[str, Any], typed: dict[str, FlagToken]) -> ExperimentConfig:
    try:
        return ExperimentConfig.model_validate(tree)
    except ValidationError as err:
        raise ConfigError(_one_line(err, typed)) from None
    except ValueError as err:  # raised by field helpers outside pydantic's wrapping
        raise ConfigError(str(err)) from None


def _one_line(err: ValidationError, typed: dict[str, FlagToken]) -> str:
    first = err.errors()[0]
    path = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if not path and ":" in message:
        path, message = (s.strip() for s in message.split(":", 1))
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    shown = typed[path].typed if path in typed else _CLEAN_BY_PATH.get(path, path)
    given = f" (got {first['input']!r})" if first["type"] not in ("extra_forbidden", "value_error") and "input" in first else ""
    return f"{shown}: {message}{given}"


def _explain(config: ExperimentConfig, tree: dict[str, Any]) -> list[str]:
    """Notes on what a resolved config means where the flags leave it open."""
    notes = []
    pseudo = config.pseudo
    if not pseudo.enabled and (pseudo.weighted or pseudo.mode == "soft"):
        notes.append("pseudo-label weighting flags have no effect without is_pesudo (as in the original)")
    if config.method == "joint" and pseudo.enabled and not pseudo.weighted and pseudo.refine == "none" \
            and not config.regularizers.label_transfer:
        # The LEL-LTN README line: its package code is joint training with is_pesudo (spec 7.3).
        notes.append("joint training with is_pesudo alone: pseudo-labels from the joint model, as the original "
                     "CONFUSION_EP_multitask.py does; --preset lel-ltn adds the label transfer network")
    defaulted = [t for t in config.tasks if t not in tree.get("datasets", {})]
    if defaulted:
        notes.append("no dataset given for " + ", ".join(f"{t} (using {config.datasets[t]})" for t in defaulted))
    return notes


def flag_table() -> list[tuple[str, str, bool]]:
    """(flag, config path, is_legacy) for every accepted flag, sorted by name."""
    baselines = dict(_BASELINE_FLAGS)
    return sorted((f"--{n}", f"preset={baselines[n]}" if n in baselines else r.path, r.legacy) for n, r in ALL_FLAGS.items())
