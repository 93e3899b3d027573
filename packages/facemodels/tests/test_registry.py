"""Every registry: duplicates raise, unknown names list the known ones."""

from __future__ import annotations

import pytest

from facemodels.backbones import BACKBONES
from facemodels.export import EXPORTERS
from facemodels.heads import HEADS, NECKS
from facemodels.preprocessing import PREPROCESSORS
from facemodels.presets import PRESETS
from faceschemas.registry import Registry, UnknownNameError

REGISTRIES = [BACKBONES, EXPORTERS, HEADS, NECKS, PREPROCESSORS, PRESETS]


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.kind)
def test_unknown_name_lists_known_names(registry):
    with pytest.raises(UnknownNameError) as err:
        registry.get("no-such-thing")
    message = str(err.value)
    assert message.startswith(f"unknown {registry.kind} 'no-such-thing'")
    assert all(name in message for name in registry.names())


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.kind)
def test_duplicates_raise(registry):
    name = registry.names()[0]
    with pytest.raises(ValueError, match="already registered"):
        registry.add(name, registry.get(name))


def test_register_decorator_returns_the_item():
    registry: Registry[int] = Registry("thing")
    assert registry.register("one")(1) == 1
    assert "one" in registry and list(registry) == ["one"]


def test_expected_components_are_registered():
    assert set(BACKBONES.names()) == {"vggface16", "mini_xception", "mobilenetv2", "resnet18", "resnet50"}
    assert set(EXPORTERS.names()) == {"savedmodel", "tflite", "tflite-int8"}
    assert "mini_xception_fer2013" in PRESETS
