"""ExperimentConfig: one validated, frozen description of a training run.

The settings are grouped (training, distillation, pseudo-labels, regularisers). Flat flags, both
the clean names and the original research flags (`--is_pesudo`, `--distill_t`, ...), are routed
into the groups by `faceschemas.flags`; this module only defines and checks the result.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from faceschemas.base import FrozenModel
from faceschemas.catalogue import component_names, is_known
from faceschemas.datasets import DATASET_TASKS, canonical_dataset_name, looks_like_path
from faceschemas.tasks import parse_tasks


def _known_strategy(value: str) -> str:
    if not is_known("strategies", value):
        raise ValueError(f"unknown method {value!r}; known: {', '.join(component_names('strategies'))}")
    return value


# A training strategy of mtl_methods/strategies (one file each; faceschemas.catalogue lists them).
Method = Annotated[
    str,
    AfterValidator(_known_strategy),
    WithJsonSchema({"enum": list(component_names("strategies")), "title": "Method", "type": "string"}),
]

# Backbone spellings of the original code (spec 3); facemodels/backbones holds the names.
BACKBONE_ALIASES = {"vggFace": "vggface16", "vggface": "vggface16", "mobilenet": "mobilenetv2"}

DEFAULT_DATASETS = {
    "emotion": "synth_expw",
    "pose": "synth_aflw",
    "age": "synth_adience",
    "gender": "synth_adience",
    "smile": "synth_celeba",
}


class _Frozen(FrozenModel):
    model_config = ConfigDict(validate_default=True)


class TrainingSettings(_Frozen):
    """Optimiser, schedule and training tricks shared by every method (spec 3.5, 8.2, 10.19)."""

    epochs: int = Field(default=64, ge=1)
    batch_size: int = Field(default=32, ge=1)
    steps_per_epoch: int | None = Field(default=None, ge=1, description="Fixed steps per epoch; default one pass.")
    learning_rate: float = Field(default=1e-4, gt=0)
    lr_schedule: Literal["constant", "cosine", "step"] = "constant"
    weight_decay: float = Field(default=0.005, ge=0, description="Decoupled weight decay (AdamW).")
    augmentation: bool = False
    dropout: bool = False
    batch_norm: bool = False
    freeze_backbone: bool = False
    freeze_epochs: int = Field(default=32, ge=0, description="Epochs with the backbone frozen.")
    frozen_learning_rate: float = Field(default=1e-3, gt=0, description="Learning rate while frozen.")
    unfrozen_learning_rate: float = Field(default=1e-5, gt=0, description="Learning rate after unfreezing.")
    early_stopping_patience: int | None = Field(default=None, ge=1)
    mix: Literal["proportional", "balanced"] = "proportional"
    num_workers: int = Field(default=4, ge=1)
    deterministic: bool = False
    distribute: Literal["none", "mirrored", "multiworker"] = "none"


class DistillSettings(_Frozen):
    """Learning without forgetting on the non-current heads (spec 6.3)."""

    enabled: bool = False
    temperature: float = Field(default=2.0, gt=0)
    kd_form: Literal["paper_ce", "hinton"] = Field(
        default="paper_ce", description="paper_ce: CE against softened teacher; hinton: T^2-scaled KL."
    )


class PseudoLabelSettings(_Frozen):
    """Pseudo-labels for the missing task, weighted as in SA-MTL (spec 6)."""

    enabled: bool = False
    confidence: bool = False
    density: bool = False
    distribution: bool = False
    mode: Literal["hard", "soft"] = Field(default="hard", description="hard selection or soft interpolation.")
    selection_threshold: float = Field(default=0.9, ge=0, lt=1, description="Fraction of samples to discard.")
    interpolation_weight: float = Field(default=0.9, ge=0, le=1)
    density_quantile: float = Field(default=0.6, gt=0, le=1, description="d_c as a quantile of distances.")
    cluster_k: int = Field(default=4, ge=1)
    cluster_method: Literal["gmm", "kmeans"] = Field(default="gmm", description="Clustering of the distribution weight.")
    unselected: Literal["distill", "drop"] = "distill"
    distribution_metric: Literal["emd", "mmd"] = "emd"
    refine: Literal["none", "label_propagation", "mrf"] = "none"
    confidence_threshold: float = Field(default=0.0, ge=0, le=1, description="LEL-LTN: keep labels at or above.")
    every_epochs: int = Field(default=1, ge=1)
    warmup_epochs: int = Field(
        default=0, ge=0, description="Epochs before the first refresh; the missing tasks stay masked until then."
    )

    @property
    def weighted(self) -> bool:
        return self.confidence or self.density or self.distribution


class RegularizerSettings(_Frozen):
    """Manifold regularisers of SFSMR and SLRM (spec 7.5), off unless asked for."""

    l21: float = Field(default=0.0, ge=0, description="Row sparsity of each head matrix (SFSMR).")
    trace_norm: float = Field(default=0.0, ge=0, description="Trace norm of stacked heads (SFSMR, SLRM).")
    laplacian: float = Field(default=0.0, ge=0, description="Laplacian smoothness on unlabelled rows.")
    label_transfer: bool = Field(default=False, description="LEL-LTN label embedding and transfer network.")

    @property
    def any(self) -> bool:
        return bool(self.l21 or self.trace_norm or self.laplacian or self.label_transfer)


class ExperimentConfig(_Frozen):
    """A whole experiment; validated once, frozen, written to the run folder before work starts."""

    method: Method
    preset: str | None = None
    tasks: tuple[str, ...]
    datasets: dict[str, str] = Field(default_factory=dict, description="Task -> dataset name or prepared folder.")
    backbone: str = "vggface16"
    loss_weights: dict[str, float] = Field(default_factory=dict)
    naive: bool = Field(default=False, description="Missing labels stay masked (All-in-one).")
    seed: int = 0
    init_from: str | None = Field(default=None, description="Run folder whose trunk initialises this model.")
    full_labels: bool = Field(
        default=False, description="Train on the benchmark's full-label copies (<data root>/full_labels): the oracle."
    )
    training: TrainingSettings = TrainingSettings()
    distill: DistillSettings = DistillSettings()
    pseudo: PseudoLabelSettings = PseudoLabelSettings()
    regularizers: RegularizerSettings = RegularizerSettings()

    @field_validator("tasks", mode="before")
    @classmethod
    def _parse_tasks(cls, value: object) -> tuple[str, ...]:
        return parse_tasks(value)  # type: ignore[arg-type]

    @field_validator("backbone")
    @classmethod
    def _known_backbone(cls, value: str) -> str:
        value = BACKBONE_ALIASES.get(value, value)
        if not is_known("backbones", value):
            raise ValueError(f"unknown backbone {value!r}; known: {', '.join(component_names('backbones'))}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: object) -> object:
        if not isinstance(data, dict) or "tasks" not in data:
            return data
        try:
            tasks = parse_tasks(data["tasks"])
        except ValueError as err:
            raise ValueError(f"tasks: {err}") from None
        data = dict(data)
        given = {k: canonical_dataset_name(v) for k, v in dict(data.get("datasets") or {}).items()}
        data["datasets"] = {t: given.get(t, DEFAULT_DATASETS[t]) for t in tasks} | given
        weights = dict(data.get("loss_weights") or {})
        data["loss_weights"] = {t: weights.get(t, 1.0) for t in tasks} | weights
        return data

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentConfig:
        for check in (_check_tasks, _check_datasets, _check_modes, _check_schedule):
            check(self)
        return self

    @property
    def paper_method(self) -> str:
        """The published method these settings amount to (spec 5, 7), for reports and logs."""
        return describe_method(self)


def _check_tasks(config: ExperimentConfig) -> None:
    if config.method == "stl" and len(config.tasks) != 1:
        raise ValueError(f"tasks: method stl trains one task, got {len(config.tasks)} ({', '.join(config.tasks)})")
    if config.method != "stl" and len(config.tasks) < 2:
        raise ValueError(f"tasks: method {config.method} needs at least two tasks, got {config.tasks[0]}")
    for name in ("datasets", "loss_weights"):
        extra = set(getattr(config, name)) - set(config.tasks)
        if extra:
            raise ValueError(f"{name}: given for {', '.join(sorted(extra))}, not among the tasks {', '.join(config.tasks)}")
    for task, weight in config.loss_weights.items():
        if weight < 0:
            raise ValueError(f"loss_weights.{task}: must be >= 0, got {weight}")


def _check_datasets(config: ExperimentConfig) -> None:
    for task, name in config.datasets.items():
        if looks_like_path(name):
            continue
        if name not in DATASET_TASKS:
            raise ValueError(f"datasets.{task}: unknown dataset {name!r}; known: {', '.join(DATASET_TASKS)} or a path")
        if task not in DATASET_TASKS[name]:
            raise ValueError(f"datasets.{task}: {name} labels {', '.join(DATASET_TASKS[name])}, not {task}")


def _check_modes(config: ExperimentConfig) -> None:
    pseudo, distill = config.pseudo.enabled, config.distill.enabled
    if config.naive and (pseudo or distill):
        raise ValueError("naive: is_naive contradicts is_pesudo/is_distilled; naive training leaves missing labels masked")
    if pseudo and distill:
        raise ValueError("distill.enabled: is_distilled and is_pesudo are both set; choose one (the original silently used distillation)")
    if config.method == "stl" and (pseudo or distill or config.regularizers.any):
        raise ValueError("method: stl has no other task to pseudo-label, distil or regularise")
    if config.method == "joint" and distill:
        raise ValueError("distill.enabled: distillation of the previous model needs method alternative")
    if config.full_labels and (config.method != "joint" or pseudo or distill or config.regularizers.any):
        raise ValueError("full_labels: the full-label oracle is plain joint training (every label is given)")
    if config.regularizers.any and config.method != "joint":
        raise ValueError("regularizers: SFSMR, SLRM and LEL-LTN regularisers need method joint")


def _check_schedule(config: ExperimentConfig) -> None:
    training = config.training
    if training.freeze_backbone and training.freeze_epochs >= training.epochs:
        raise ValueError(
            f"training.freeze_epochs: {training.freeze_epochs} frozen epochs leave none of the {training.epochs} epochs to fine-tune"
        )


def describe_method(config: ExperimentConfig) -> str:
    """Names the published method of a config, e.g. "SA-MTL (soft interpolation)"."""
    if config.method == "stl":
        return "STL"
    if config.full_labels:
        return "Oracle (full labels)"
    regs = config.regularizers
    if regs.label_transfer:
        return "LEL-LTN"
    if regs.l21:
        return "SFSMR"
    if regs.trace_norm or regs.laplacian:
        return "SLRM"
    if config.pseudo.enabled and config.pseudo.refine != "none":
        return "DCN-AP"
    if config.distill.enabled:
        return "DML-LWF" if config.distill.temperature == 1 else f"Distilling (T={config.distill.temperature:g})"
    if config.pseudo.enabled:
        return _describe_pseudo(config)
    return "All-in-one" if config.method == "joint" else "naive alternating MTL"


def _describe_pseudo(config: ExperimentConfig) -> str:
    pseudo = config.pseudo
    if not pseudo.weighted:
        return "pseudo-labels (unweighted)"
    parts = [n for n, on in (("confidence", pseudo.confidence), ("density", pseudo.density),
                             ("distribution", pseudo.distribution)) if on]
    style = "soft interpolation" if pseudo.mode == "soft" else f"hard selection at {pseudo.selection_threshold:g}"
    name = "SA-MTL" if config.method == "alternative" and len(parts) == 3 else "pseudo-labels"
    return f"{name} ({style}; weights: {' x '.join(parts)})"

