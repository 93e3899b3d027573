"""Training strategies, one per file, registered by name in `STRATEGIES`."""

from mtl_methods.strategies import alternative, joint, stl  # noqa: F401  (registration)
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy, build_strategy

__all__ = ["STRATEGIES", "EpochPlan", "Strategy", "build_strategy"]
