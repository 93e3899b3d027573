"""LEL-LTN's label transfer loss: CE of `{task}_transfer_logits` on gold labels only (spec 7.3 [REC]).

The label transfer network (Augenstein et al. 2018, arXiv 1802.09913) maps the other tasks'
predicted label distributions to task t's labels. It learns from the rows of the batch that carry
t's gold label, never from pseudo-labels or distillation targets (`RegularizerInputs.gold`: the
table rows of the per-sample lookup are not in it), so it cannot learn to copy its own earlier
guesses. The loss of a task is the masked CE of `losses.masked_task_loss` (sum over gold rows
divided by their number), exactly 0 on a batch without gold rows of that task; the term is the
sum over tasks, times the coefficient (1: `regularizers.label_transfer` is a switch).

The model has a stop-gradient in front of each transfer network (facemodels: `StopGradient`),
so this term trains the transfer MLPs only, never the heads or the trunk it reads through.
Registered under the settings switch `label_transfer`; the model must have the outputs
(`facemodels.build_model(..., label_transfer=True)`, `testing.tiny_model(..., label_transfer=True)`).
"""

from __future__ import annotations

import tensorflow as tf

from mtl_methods.losses import masked_task_loss
from mtl_methods.regularizers.base import REGULARIZERS, Regularizer, RegularizerInputs

OUTPUT = "transfer_logits"


def transfer_key(task: str) -> str:
    """The model output holding the transfer network's logits of `task`."""
    return f"{task}_{OUTPUT}"


def _output_names(model) -> set[str] | None:
    """The output keys of a dict-output functional model; None when they cannot be known yet."""
    try:
        outputs = model.output
    except (AttributeError, ValueError):  # a subclassed model that has not been called
        return None
    return set(outputs) if isinstance(outputs, dict) else None


@REGULARIZERS.register("label_transfer")
class LabelTransferLoss(Regularizer):
    """coefficient * sum over tasks of CE(gold label, transfer logits) on the gold rows."""

    name = "label_transfer"

    def __init__(self, coefficient, model, tasks, heads=None) -> None:
        super().__init__(coefficient, model, tasks, heads)
        names = _output_names(model)
        missing = [transfer_key(t) for t in self.tasks if names is not None and transfer_key(t) not in names]
        if missing:
            raise ValueError(f"regularizers.label_transfer needs the model outputs {', '.join(missing)}: build "
                             "the model with the label transfer network (facemodels label_transfer=True)")

    def value(self, inputs: RegularizerInputs) -> tf.Tensor:
        if not inputs.gold:
            raise ValueError("the label transfer loss needs the gold-only targets (RegularizerInputs.gold)")
        return tf.add_n([masked_task_loss(inputs.gold[t], tf.cast(inputs.outputs[transfer_key(t)], tf.float32))
                         for t in self.tasks])
