"""Differentiable loss terms beyond the task losses: SFSMR / SLRM regularisers (spec 7.5 [REC]) and
LEL-LTN's label transfer loss (spec 7.3 [REC]).

One file per term, each registered in `REGULARIZERS` under the name of its `RegularizerSettings`
coefficient (`l21`, `trace_norm`, `laplacian`) or switch (`label_transfer`). `build_regularizers`
makes the terms whose coefficient is positive (or switch on); the training step adds their sum to
the loss (`step.StepBuilder`). Where each term finds the head matrices W_t is documented in `heads`.
"""

from __future__ import annotations

from faceschemas.registry import discover
from mtl_methods.regularizers.base import REGULARIZERS, Regularizer, RegularizerInputs
from mtl_methods.regularizers.heads import find_head_layer, head_kernels, head_matrix

discover(__name__)

__all__ = ["REGULARIZERS", "Regularizer", "RegularizerInputs", "build_regularizers", "find_head_layer",
           "head_kernels", "head_matrix"]


def build_regularizers(settings, model, tasks, heads: dict | None = None) -> tuple[Regularizer, ...]:
    """The terms of `settings` (a RegularizerSettings) with a positive coefficient, in registry order.

    A boolean setting is a switch: its term (`label_transfer`, LEL-LTN's transfer loss) is built
    with coefficient 1 when it is on. A positive coefficient without a registered term raises
    instead of being silently ignored.
    """
    values = dict(settings)
    for name, value in values.items():
        if not isinstance(value, bool) and value and name not in REGULARIZERS:
            raise ValueError(f"regularizers.{name} = {value} has no registered term; known: "
                             f"{', '.join(REGULARIZERS.names())}")
    return tuple(term(values[name], model, tuple(tasks), heads)
                 for name, term in REGULARIZERS.items() if values.get(name, 0) > 0)
