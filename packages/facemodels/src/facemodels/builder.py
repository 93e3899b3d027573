"""`build_model`: a multi-task tf-keras model from a backbone name and a list of tasks.

Graph: raw pixels [0, 255] -> [ToChannels] -> Preprocess (the backbone's own) -> nested trunk
model "backbone" -> neck -> one head per task (-> cross-stitch) -> a dict of outputs:
`{task: probabilities, f"{task}_logits", f"{task}_features"}` plus regression outputs. LEL-LTN
(spec 7.3): `label_embedding` makes every task's logits from one shared label embedding, and
`label_transfer` adds `f"{task}_transfer_logits"`, the label transfer network's outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tensorflow as tf
import tf_keras as keras

from facemodels.backbones import BackboneSpec, get_backbone
from facemodels.heads import HEADS, NECKS, HeadOptions, add_regression_heads, add_transfer_networks
from facemodels.heads.label_transfer import DEFAULT_EMBEDDING_DIM
from facemodels.layers import Preprocess, ToChannels
from faceschemas.tasks import parse_tasks, task_letters


def build_model(
    backbone: str,
    tasks: str | Sequence[str],
    *,
    dropout: bool = False,
    batch_norm: bool = False,
    weight_decay: float = 0.0,
    freeze_backbone: bool = False,
    cross_stitch: bool | Sequence[str] | None = None,
    regression: Sequence[str] = (),
    label_embedding: bool | int = False,
    label_transfer: bool = False,
    input_shape: Sequence[int] | None = None,
    input_channels: int | None = None,
    weights: str | Path | None = None,
    name: str | None = None,
    **backbone_options: Any,
) -> keras.Model:
    """Builds a multi-task model whose outputs are a dict keyed by task name.

    Args:
        backbone: Registered backbone name (`facemodels.list_backbones()`).
        tasks: Task names or CLI letters ("EP", ["emotion", "pose"]); kept in canonical order.
        dropout: Dropout 0.5 after the shared and head hidden layers (spec 3.5 --is_dropout).
        batch_norm: BN after the shared and head dense layers (spec 3.5 --is_bn).
        weight_decay: L2 factor on every kernel (spec 3.5; the original's had no effect).
        freeze_backbone: Build with the trunk frozen (`set_backbone_trainable` undoes it).
        cross_stitch: A pair of task names joined by a cross-stitch unit, or True for
            ("emotion", "pose") as in the original vggFace (spec 3.2). Dense heads only.
        regression: Continuous targets to regress (`age_years`, `yaw`, ...), one Dense(1) each.
        label_embedding: LEL (spec 7.3): True (dim 64) or the embedding dim; each task's logits
            become its classifier input projected to dim times the task's rows of one label
            embedding matrix shared by all tasks (layer `label_embedding`).
        label_transfer: LTN (spec 7.3): per task an MLP (2 x 64, ReLU) from the other tasks'
            predicted distributions (stop-gradient) to its labels, output `{task}_transfer_logits`.
            Needs two or more tasks.
        input_shape: (H, W) or (H, W, C) overriding the backbone's default input.
        input_channels: Channels the model accepts when they differ from the backbone's:
            RGB crops into a grey backbone are converted by luma, grey into RGB repeated.
        weights: Optional weight file (.weights.h5 / .h5) or .keras model to load (see
            `facemodels.weights.load_weights`).
        name: Model name; default "<backbone>_<letters>".
        **backbone_options: Options of the trunk builder (e.g. MobileNetV2 `alpha`).

    Returns:
        An uncompiled keras.Model taking float32 raw pixels (uint8 is cast).
    """
    spec = get_backbone(backbone)
    task_names = parse_tasks(list(tasks) if not isinstance(tasks, str) else tasks)
    shape = _trunk_shape(spec, input_shape)
    options = HeadOptions(dropout, batch_norm, float(weight_decay), _stitch_pair(cross_stitch, task_names),
                          label_embedding=_embedding_dim(label_embedding))
    inputs = keras.Input((*shape[:2], input_channels or shape[2]), name="image")
    x = ToChannels(shape[2], name="to_channels")(inputs) if input_channels not in (None, shape[2]) else inputs
    x = Preprocess(spec.preprocess_name, name="preprocess")(x)
    trunk = spec.build(shape, weight_decay=float(weight_decay), **backbone_options)
    trunk.trainable = not freeze_backbone
    feature_map = trunk(x)
    shared = NECKS.get(spec.neck)(feature_map, options)
    heads = HEADS.get(spec.head)(feature_map, shared, task_names, options)
    extra = add_regression_heads(shared, tuple(regression), float(weight_decay))
    if label_transfer:
        extra |= add_transfer_networks(heads, weight_decay=float(weight_decay))
    outputs = _output_dict(heads, extra)
    model = keras.Model(inputs, outputs, name=name or f"{backbone}_{task_letters(task_names)}")
    if weights is not None:
        from facemodels.weights import load_weights

        load_weights(model, weights)
    return model


def _trunk_shape(spec: BackboneSpec, input_shape: Sequence[int] | None) -> tuple[int, int, int]:
    if input_shape is None:
        return spec.input_shape
    shape = tuple(int(v) for v in input_shape)
    if len(shape) == 2:
        return (*shape, spec.channels)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (H, W) or (H, W, C), got {tuple(input_shape)}")
    return shape  # type: ignore[return-value]


def _embedding_dim(label_embedding: bool | int | None) -> int:
    """0 (off), the default 64 for True, or a positive dim."""
    if label_embedding is None or label_embedding is False:
        return 0
    if label_embedding is True:
        return DEFAULT_EMBEDDING_DIM
    if int(label_embedding) < 1:
        raise ValueError(f"label_embedding must be True or a positive dim, got {label_embedding!r}")
    return int(label_embedding)


def _stitch_pair(cross_stitch: bool | Sequence[str] | None, tasks: tuple[str, ...]) -> tuple[str, str] | None:
    if not cross_stitch:
        return None
    pair = ("emotion", "pose") if cross_stitch is True else tuple(parse_tasks(list(cross_stitch)))
    if len(pair) != 2 or any(task not in tasks for task in pair):
        raise ValueError(f"cross_stitch needs two of the model's tasks {tasks}, got {pair}")
    return pair  # type: ignore[return-value]


def _output_dict(heads: dict, regression: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
    outputs = {task: head.probabilities for task, head in heads.items()}
    outputs.update({f"{task}_logits": head.logits for task, head in heads.items()})
    outputs.update({f"{task}_features": head.features for task, head in heads.items()})
    outputs.update(regression)
    return outputs
