"""DESIGN.md's conventions, checked mechanically across every package.

- A file name or record key is spelled once, in `faceschemas` (layouts, record).
- Every component family uses the one `faceschemas` Registry, and adding a component is one file
  with one registration decorator.
- Names that two packages both list (backbones, datasets) agree.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from faceschemas.layouts import BenchmarkLayout, DatasetLayout, RunLayout

ROOT = Path(__file__).resolve().parents[1]
# Every package's own code; schemas/src is where the names live, and tests may spell them.
SOURCE_DIRS = sorted([*ROOT.glob("packages/*/src"), ROOT / "tools" / "src", ROOT / "pipelines" / "src"])
FILE_NAMES = (
    DatasetLayout.MANIFEST, DatasetLayout.QUARANTINE,
    RunLayout.CONFIG, RunLayout.METRICS, RunLayout.REPORT, RunLayout.MODEL,
    BenchmarkLayout.STAMP,
)
RECORD_KEY_PREFIXES = ("label/", "value/")  # faceschemas.record.label_key / value_key
# Files allowed to spell a name, with the names (empty: none is). A new entry needs a reason in a
# comment beside it; the list only shrinks (the next test fails on a stale entry).
ALLOWED: dict[str, set[str]] = {}


def _source_files() -> list[Path]:
    return sorted(p for d in SOURCE_DIRS for p in d.rglob("*.py") if "tests" not in p.relative_to(ROOT).parts)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements (prose, not code)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _spellings(path: Path) -> list[tuple[int, str]]:
    """(line, name) for every file name or record-key prefix spelled in code (not prose) of `path`."""
    tree = ast.parse(path.read_text(), str(path))
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            found += [(node.lineno, name) for name in FILE_NAMES if name in node.value]
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head = node.values[0].value  # f"label/{task}": the key written by hand
            found += [(node.lineno, p) for p in RECORD_KEY_PREFIXES if head.endswith(p) and len(node.values) > 1]
        if isinstance(node, ast.Constant) and node.value in RECORD_KEY_PREFIXES:
            found.append((node.lineno, node.value))
    return sorted(set(found))


def test_file_names_and_record_keys_are_spelled_only_in_faceschemas():
    files = _source_files()
    assert len(files) > 50  # the glob found the packages
    offences = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        offences += [f"{relative}:{line}: {name!r}" for line, name in _spellings(path)
                     if name not in ALLOWED.get(relative, set())]
    assert not offences, "use faceschemas.layouts / faceschemas.record instead of spelling:\n" + "\n".join(offences)


def test_every_allowed_spelling_is_still_there():
    """An entry whose file no longer spells the name must leave ALLOWED (the list only shrinks)."""
    stale = [f"{relative}: {name!r}" for relative, names in ALLOWED.items() for name in sorted(names)
             if not (ROOT / relative).is_file() or name not in {n for _, n in _spellings(ROOT / relative)}]
    assert not stale, "remove from ALLOWED:\n" + "\n".join(stale)


def test_the_scan_sees_code_and_skips_prose(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(textwrap.dedent('''
        """Writes manifest.json last."""
        def f(root, task):
            """Reads report.json."""
            return root / "model.keras", {f"label/{task}": 1}, f"no config.json in {root}"
    '''))
    assert _spellings(sample) == [(5, "config.json"), (5, "label/"), (5, "model.keras")]


def test_no_package_defines_its_own_registry_class():
    pattern = ("class Registry", "class UnknownNameError", "class DuplicateNameError")
    offences = []
    for path in _source_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith(pattern):
                offences.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offences, "use faceschemas.registry instead:\n" + "\n".join(offences)


# One throwaway file that adds a component to five families, each with its family's decorator
# and nothing else: no other file is edited to make the names known.
PLUGIN = '''
from facedata.sources import Rejection, SourceAdapter, register_source
from facemodels.backbones import register_backbone
from mtl_methods.strategies import STRATEGIES
from mtl_methods.strategies.stl import STLStrategy
from mtl_methods.targets import PROVIDERS
from pseudolabel import WEIGHTINGS


@STRATEGIES.register("house_rules_strategy")
class HouseRulesStrategy(STLStrategy):
    name = "house_rules_strategy"


ASKED = []  # the configs provider_for asked this provider about


@PROVIDERS.register("house_rules_provider")
class HouseRulesProvider:
    @staticmethod
    def wanted(config):
        ASKED.append(config)
        return False


@register_backbone("house_rules_backbone", input_shape=(8, 8, 1), preprocess_name="unit", feature_dim=4,
                   head="dense", neck="gap")
def build_trunk(input_shape, weight_decay=0.0):
    raise NotImplementedError


@register_source("house_rules_source")
class HouseRulesSource(SourceAdapter):
    tasks = ("emotion",)
    expected_layout = "nothing"

    def check_layout(self):
        pass

    def read(self):
        yield Rejection("x", "1", "unit", "a throwaway adapter")


@WEIGHTINGS.register("house_rules_weighting")
class HouseRulesWeighting:
    flag = "house_rules_weighting"
'''


@pytest.fixture()
def plugin(tmp_path, monkeypatch):
    """Imports PLUGIN from a temp folder on sys.path; unregisters its components afterwards."""
    from facedata.sources import SOURCES
    from facemodels.backbones import BACKBONES
    from mtl_methods.strategies import STRATEGIES
    from mtl_methods.targets import PROVIDERS
    from pseudolabel import WEIGHTINGS

    (tmp_path / "house_rules_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    families = {STRATEGIES: "house_rules_strategy", PROVIDERS: "house_rules_provider",
                BACKBONES: "house_rules_backbone", SOURCES: "house_rules_source",
                WEIGHTINGS: "house_rules_weighting"}
    assert not any(name in registry for registry, name in families.items())
    try:
        __import__("house_rules_plugin")
        yield
    finally:
        sys.modules.pop("house_rules_plugin", None)
        for registry, name in families.items():
            registry.remove(name)


def test_adding_a_component_is_one_file(plugin):
    from facedata.sources import get_source, source_names
    from facemodels import list_backbones
    from facemodels.backbones import get_backbone
    from faceschemas.config import ExperimentConfig
    from mtl_methods.providers import provider_for
    from mtl_methods.strategies import STRATEGIES, build_strategy
    from mtl_methods.strategies.stl import STLStrategy
    from mtl_methods.targets import PROVIDERS
    from pseudolabel import WEIGHTINGS

    assert "house_rules_strategy" in STRATEGIES.names()
    with pytest.raises(ValueError):  # built by its name like any strategy; it checks its (no) sources
        build_strategy("house_rules_strategy", tasks=("emotion",), sources=[], batch_size=2)
    assert issubclass(STRATEGIES.get("house_rules_strategy"), STLStrategy)
    config = ExperimentConfig(method="stl", tasks=("emotion",), datasets={"emotion": "synth_expw"},
                              backbone="mini_xception")
    assert "house_rules_provider" in PROVIDERS.names() and provider_for(config) is None
    asked = sys.modules["house_rules_plugin"].ASKED
    assert asked == [config]  # provider_for asked it too
    assert "house_rules_backbone" in list_backbones()
    assert get_backbone("house_rules_backbone").feature_dim == 4
    assert "house_rules_source" in source_names()
    adapter = get_source("house_rules_source")("/nowhere")
    assert adapter.name == "house_rules_source" and [r.reason for r in adapter.read()] == ["unit"]
    assert WEIGHTINGS.get("house_rules_weighting").flag == "house_rules_weighting"


def test_the_throwaway_components_are_gone_afterwards():
    from facedata.sources import source_names
    from facemodels import list_backbones

    assert "house_rules_backbone" not in list_backbones()
    assert "house_rules_source" not in source_names()


def test_config_accepts_exactly_the_registered_backbones_and_strategies():
    """The names faceschemas reads from the component folders (no import) are the registries' names."""
    from facemodels import list_backbones
    from faceschemas.catalogue import component_names
    from mtl_methods.strategies import STRATEGIES

    assert component_names("backbones") == tuple(sorted(list_backbones()))
    assert component_names("strategies") == tuple(sorted(STRATEGIES.names()))


def test_names_are_listed_without_importing_the_packages_that_own_them():
    code = ("import sys; from faceschemas.catalogue import component_names, declarative_components; "
            "names = (component_names('backbones'), component_names('strategies'), "
            "declarative_components('method_presets').names()); "
            "assert all(names), names; "
            "loaded = [m for m in ('tensorflow', 'facemodels', 'mtl_methods') if m in sys.modules]; "
            "assert not loaded, loaded")
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_new_preset_is_one_new_file(tmp_path, monkeypatch):
    from faceschemas import catalogue
    from faceschemas.flags import resolve

    shipped = catalogue.component_folder("method_presets")
    for path in shipped.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "house-rules.toml").write_text(
        'description = "a throwaway preset"\nmethod = "joint"\n[pseudo]\nenabled = true\ncluster_k = 7\n')
    real_folder = catalogue.component_folder
    monkeypatch.setattr(catalogue, "component_folder",
                        lambda family: tmp_path if family == "method_presets" else real_folder(family))
    catalogue.declarative_components.cache_clear()
    try:
        config = resolve(["--tasks", "EP"], preset="house-rules").config
        assert (config.method, config.pseudo.enabled, config.pseudo.cluster_k) == ("joint", True, 7)
    finally:
        catalogue.declarative_components.cache_clear()


def test_config_and_cli_accept_exactly_the_registered_strategies_and_providers():
    from faceschemas.flags import method_presets, resolve
    from mtl_methods.providers import PROVIDERS, provider_for
    from mtl_methods.strategies import STRATEGIES
    from mtl_tools.commands import config as config_command
    from mtl_tools.commands import train as train_command

    for command in (train_command.command, config_command.check):
        choice = next(p for p in command.params if p.name == "method").type
        assert sorted(choice.choices) == sorted(STRATEGIES.names())
    # Every preset resolves, and each is claimed by at most one provider (or none: naive/regularised).
    claimed = set()
    for name in method_presets().names():
        config = resolve(["--tasks", "EP"], preset=name).config
        provider = provider_for(config)
        claimed |= {n for n, p in PROVIDERS.items() if provider is not None and isinstance(provider, p)}
    assert claimed == set(PROVIDERS.names())  # no registered provider is unreachable from a preset


# Adapters that are not one dataset of faceschemas.datasets, on purpose:
#   csv, imagefolder: generic formats, the tasks come from the user's options;
#   fer2013_folders: a second raw layout of fer2013 (one folder per class);
#   synth: one adapter for the four synth_* datasets (`dataset_name` option picks the tasks).
GENERIC_ADAPTERS = {"csv", "imagefolder", "fer2013_folders", "synth"}


def test_dataset_names_match_the_source_adapters():
    from facedata.sources import get_source, source_names
    from faceschemas.datasets import DATASET_TASKS

    real = {name for name in DATASET_TASKS if not name.startswith("synth_")}
    assert set(source_names()) - GENERIC_ADAPTERS == real  # every named dataset has its adapter
    for name in sorted(real):  # ... which takes its tasks from the table, not from a copy of it
        assert get_source(name).tasks is DATASET_TASKS[name], name


def test_a_named_dataset_adapter_cannot_declare_its_own_tasks():
    from facedata.sources import SOURCES, SourceAdapter, register_source

    with pytest.raises(TypeError, match="faceschemas.datasets"):
        @register_source("adience")
        class Copy(SourceAdapter):
            tasks = ("age",)
    assert SOURCES.get("adience") is not None
