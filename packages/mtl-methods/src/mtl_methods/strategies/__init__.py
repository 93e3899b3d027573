"""Training strategies, one per file, registered by name in `STRATEGIES`.

`discover` imports every module of this folder, so adding a strategy is one new file with one
`@STRATEGIES.register("name")` class; nothing here changes.
"""

from faceschemas.registry import discover
from mtl_methods.strategies.base import STRATEGIES, EpochPlan, Strategy, build_strategy

discover(__name__)

__all__ = ["STRATEGIES", "EpochPlan", "Strategy", "build_strategy"]
