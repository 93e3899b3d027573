"""The head-matrix contract: where the regularisers find each task's final weight matrix W_t.

W_t is the kernel of the Dense or convolution layer that produces the model output `{task}_logits`
(the model contract: outputs are a dict keyed `{task}`, `{task}_logits`, `{task}_features`).
Starting from the layer that outputs `{task}_logits`, the walk follows the graph backwards through
single-input, kernel-free layers that do not mix classes (global average pooling, batch
normalisation, dropout, activations) and stops at the first Dense / Conv layer:

* Dense heads (facemodels `<task>_logits` on vggface16, mobilenetv2, resnets; `testing.tiny_model`'s
  `<task>_logit_layer`): W_t is the kernel itself, [features, C] (128 x C in facemodels).
* Convolutional heads (facemodels mini_xception: `<task>_conv` Conv2D(C, 3x3) -> [`<task>_bn`] ->
  GAP named `<task>_logits`): the kernel [3, 3, F, C] reshaped to [3*3*F, C], one row per
  (kernel offset, input channel). A batch norm between conv and GAP is passed, not folded in.

Anything else (a nested model producing the logits, a layer with two inputs, a transposed or
depthwise convolution) raises ValueError naming the layer; such a model passes an explicit
`heads={task: layer}` map instead (`build_regularizers(..., heads=...)`).
"""

from __future__ import annotations

import tensorflow as tf
import tf_keras as keras

_LAYERS = keras.layers
PASS_THROUGH = (_LAYERS.GlobalAveragePooling1D, _LAYERS.GlobalAveragePooling2D,
                _LAYERS.GlobalAveragePooling3D, _LAYERS.BatchNormalization, _LAYERS.Dropout,
                _LAYERS.Activation, _LAYERS.ReLU)
KERNEL_LAYERS = (_LAYERS.Dense, _LAYERS.Conv1D, _LAYERS.Conv2D, _LAYERS.Conv3D)
_TRANSPOSED = (_LAYERS.Conv1DTranspose, _LAYERS.Conv2DTranspose, _LAYERS.Conv3DTranspose)


def _logits_tensor(model, task: str):
    outputs = getattr(model, "output", None)
    key = f"{task}_logits"
    if not isinstance(outputs, dict) or key not in outputs:
        raise ValueError(f"model {model.name!r} has no functional output {key!r}: the head-matrix contract "
                         "needs a dict-output functional model, or pass heads={task: layer}")
    return outputs[key]


def find_head_layer(model, task: str) -> keras.layers.Layer:
    """The Dense / Conv layer whose kernel is W_t (see the module docstring)."""
    history = _logits_tensor(model, task)._keras_history
    layer, node_index = history.layer, history.node_index
    while not isinstance(layer, KERNEL_LAYERS) or isinstance(layer, _TRANSPOSED):
        inputs = layer.inbound_nodes[node_index].keras_inputs
        if not isinstance(layer, PASS_THROUGH) or len(inputs) != 1:
            raise ValueError(f"cannot find the head matrix of task {task!r}: layer {layer.name!r} "
                             f"({type(layer).__name__}) is neither Dense/Conv nor a pass-through layer; "
                             "pass heads={task: layer}")
        history = inputs[0]._keras_history
        layer, node_index = history.layer, history.node_index
    return layer


def head_kernels(model, tasks: tuple[str, ...], heads: dict | None = None) -> dict[str, tf.Variable]:
    """{task: kernel variable} for every task (explicit `heads` layers win over the graph walk)."""
    heads = heads or {}
    kernels = {}
    for task in tasks:
        layer = heads.get(task) or find_head_layer(model, task)
        if not isinstance(getattr(layer, "kernel", None), tf.Variable):
            raise ValueError(f"head layer {layer.name!r} of task {task!r} has no kernel variable")
        kernels[task] = layer.kernel
    return kernels


def head_matrix(kernel: tf.Variable) -> tf.Tensor:
    """W_t as a [rows, C] matrix: a Dense kernel as is, a conv kernel [..., F, C] flattened."""
    return tf.reshape(kernel, (-1, kernel.shape[-1]))
