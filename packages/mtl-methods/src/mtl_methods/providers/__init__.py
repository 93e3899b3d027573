"""Target providers, one per file, each registered in `mtl_methods.targets.PROVIDERS`.

A provider class says which configs it serves (`wanted`) and how it is built from one
(`from_config`); `provider_for` asks every registered provider, so adding one is one new file.
"""

from __future__ import annotations

from faceschemas.config import ExperimentConfig
from faceschemas.registry import discover
from mtl_methods.targets import PROVIDERS, TargetProvider

discover(__name__)


def provider_for(config: ExperimentConfig) -> TargetProvider | None:
    """The provider an ExperimentConfig asks for, or None (naive: other tasks stay masked)."""
    wanted = [name for name, provider in PROVIDERS.items() if provider.wanted(config)]
    if len(wanted) > 1:
        raise ValueError(f"target providers {', '.join(wanted)} all claim this config; settings contradict")
    return PROVIDERS.get(wanted[0]).from_config(config) if wanted else None


__all__ = ["PROVIDERS", "provider_for"]
