"""`faceschemas.registry.discover`: every component module imported, optional extras skipped."""

from __future__ import annotations

import sys
import textwrap

import pytest

from faceschemas.registry import discover


@pytest.fixture()
def plugins(tmp_path, monkeypatch):
    """A throwaway component folder: one plain module, one private helper, one needing an extra."""
    folder = tmp_path / "hr_plugins"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "plain.py").write_text("LOADED = True\n")
    (folder / "_helper.py").write_text("raise RuntimeError('private helpers are not imported')\n")
    (folder / "needs_extra.py").write_text("import hr_not_installed_extra.sub  # noqa: F401\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    for name in [m for m in sys.modules if m == "hr_plugins" or m.startswith("hr_plugins.")]:
        del sys.modules[name]


def test_a_module_needing_a_missing_optional_package_is_skipped(plugins):
    assert discover("hr_plugins", optional={"hr_not_installed_extra"}) == ["plain"]
    assert sys.modules["hr_plugins.plain"].LOADED


def test_a_missing_package_that_is_not_optional_raises(plugins):
    with pytest.raises(ModuleNotFoundError, match="hr_not_installed_extra"):
        discover("hr_plugins")


def test_an_error_inside_an_optional_module_still_raises(plugins):
    (plugins / "broken.py").write_text(textwrap.dedent("""
        import hr_not_installed_extra  # noqa: F401
    """))
    (plugins / "needs_extra.py").write_text("import json\njson.loads('not json')\n")
    with pytest.raises(ValueError):
        discover("hr_plugins", optional={"hr_not_installed_extra"})
