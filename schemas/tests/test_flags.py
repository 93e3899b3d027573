"""Resolution of clean and original research flags into ExperimentConfig."""

import re
import shlex

import pytest

from faceschemas.flags import ALL_FLAGS, ConfigError, method_presets, preset_settings, resolve

# Published command lines of the original code, as its READMEs print them (spec 5.3, 7.1, 7.2),
# typos included: DML-LWF glues two flags together and drops the dashes of distill_t.
SA_MTL = (
    "python ALTERNATIVE_EP.py --dataset_emotion=ferplus --dataset_pose=aflw --model=vggFace --epoch=64 "
    "--batch_size=32 --is_augmentation=False --is_dropout=False --is_bn=False --weights_decay=0.005 "
    "--is_freezing=False --no_freezing_epoch=32 --E_loss_weights=1 --P_loss_weights=1 --is_naive=False "
    "--is_distilled=False --is_pesudo=True --is_interpolation=True --is_pesudo_confidence=True "
    "--is_pesudo_density=True --is_pesudo_distribution=True --selection_threshold=0 "
    "--interpolation_weights=0 --distill_t=2 --cluster_k=4 --density_t=0.6"
)
DML_LWF = (
    "python ALTERNATIVE_EP.py --dataset_emotion=ferplus --dataset_pose=aflw --model=vggFace --epoch=64 "
    "--batch_size=32 --is_naive=False --is_distilled=True --is_pesudo=False--is_interpolation=False "
    "distill_t=1 --E_loss_weights=1 --P_loss_weights=1"
)
ALL_IN_ONE = (
    "python CONFUSION_EP_multitask.py --dataset_emotion=ferplus --dataset_pose=aflw --model=vggFace "
    "--epoch=64 --batch_size=64 --is_naive=True --is_pesudo=False --is_interpolation=False "
    "--E_loss_weights=1 --P_loss_weights=1"
)


def test_sa_mtl_command_resolves_to_soft_weighted_pseudo_labels():
    config = resolve(shlex.split(SA_MTL)).config
    assert (config.method, config.tasks, config.backbone) == ("alternative", ("emotion", "pose"), "vggface16")
    assert config.datasets == {"emotion": "ferplus", "pose": "aflw"}
    p = config.pseudo
    assert (p.enabled, p.confidence, p.density, p.distribution, p.mode) == (True, True, True, True, "soft")
    assert (p.selection_threshold, p.cluster_k, p.density_quantile) == (0.0, 4, 0.6)
    assert config.distill.enabled is False and config.distill.temperature == 2
    assert config.paper_method.startswith("SA-MTL (soft interpolation")


def test_sa_mtl_command_given_as_flags_after_method_and_tasks():
    flags = shlex.split(SA_MTL)[2:]
    assert resolve(flags, method="alternative", tasks="EP").config == resolve(shlex.split(SA_MTL)).config


def test_dml_lwf_command_with_its_typos_runs_unchanged():
    resolution = resolve(shlex.split(DML_LWF))
    config = resolution.config
    assert config.distill.enabled and config.distill.temperature == 1
    assert config.pseudo.enabled is False and config.pseudo.mode == "hard"
    assert config.paper_method == "DML-LWF"
    assert any("glued" in n for n in resolution.notes)
    assert any("dashes" in n for n in resolution.notes)


def test_all_in_one_command_is_joint_naive():
    config = resolve(shlex.split(ALL_IN_ONE)).config
    assert (config.method, config.naive, config.training.batch_size) == ("joint", True, 64)
    assert config.paper_method == "All-in-one"


@pytest.mark.parametrize("name", method_presets().names())
def test_every_preset_resolves_and_names_a_method(name):
    config = resolve([], tasks="EP", preset=name).config
    assert config.method == preset_settings(name)["method"]
    assert config.paper_method not in ("STL", "naive alternating MTL")


def test_explicit_flag_beats_preset():
    config = resolve(["--distill_t=2"], tasks="EP", preset="dml-lwf").config
    assert config.distill.temperature == 2 and config.paper_method.startswith("Distilling")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epoch=abc"], "--epoch: Input should be a valid integer"),
        (["--dataset_emotion=aflw"], "--dataset_emotion: aflw labels pose, not emotion"),
        (["--is_pesudoo=True"], "--is_pesudoo: unknown flag; did you mean --is_pesudo"),
        (["--is_pesudo=maybe"], "--is_pesudo: Input should be a valid boolean"),
        (["--selection_threshold=1.0"], "--selection_threshold: Input should be less than 1"),
        (["--is_naive=True", "--is_pesudo=True"], "--is_naive: is_naive contradicts"),
        (["--is_distilled=True", "--is_pesudo=True"], "--is_distilled: is_distilled and is_pesudo"),
        (["--is_freezing=True", "--epoch=10"], "--freeze_epochs: 32 frozen epochs"),
        (["--dataset_age=adience"], "datasets: given for age, not among the tasks"),
        (["--model=alexnet"], "--model: unknown backbone 'alexnet'"),
        (["stray"], "stray: unexpected word"),
    ],
)
def test_bad_settings_give_one_line_naming_the_flag(argv, message):
    with pytest.raises(ConfigError) as err:
        resolve(argv, method="alternative", tasks="EP")
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_stl_task_type_and_dataset_flags():
    config = resolve(["--task_type=5", "--dataset=aflw", "--model=mini_xception"], method="stl").config
    assert config.tasks == ("pose",) and config.datasets == {"pose": "aflw"}


def test_stl_rejects_two_tasks_and_joint_rejects_distillation():
    with pytest.raises(ConfigError, match="tasks: method stl trains one task"):
        resolve([], method="stl", tasks="EP")
    with pytest.raises(ConfigError, match="needs method alternative"):
        resolve(["--is_distilled=True"], method="joint", tasks="EP")


def test_preset_contradicting_method_is_refused():
    with pytest.raises(ConfigError, match="preset dml-lwf is a alternative method|preset dml-lwf is an? alternative"):
        resolve([], method="joint", tasks="EP", preset="dml-lwf")


def test_undefined_readme_flags_of_the_baselines_are_understood():
    assert resolve(["--is_pesudo=True", "--is_MRF=True"], method="joint", tasks="EP").config.paper_method == "DCN-AP"
    assert resolve(["--is_lnorm=True"], method="joint", tasks="EP").config.paper_method == "SFSMR"
    assert resolve(["--is_nuclear_norm=True"], method="joint", tasks="EP").config.paper_method == "SLRM"


def test_clean_and_legacy_names_reach_the_same_field():
    clean = resolve(["--epochs", "7", "--distill", "--distill-temperature=3"], method="alternative", tasks="EP").config
    legacy = resolve(["--epoch=7", "--is_distilled=True", "--distill_t=3"], method="alternative", tasks="EP").config
    assert clean == legacy


def test_every_route_points_at_a_real_field():
    for name, route in ALL_FLAGS.items():
        if "<" in route.path:
            continue
        parts = route.path.split(".")
        if parts[0] in ("datasets", "loss_weights"):
            continue
        from faceschemas.config import ExperimentConfig

        model = ExperimentConfig
        for part in parts:
            assert part in model.model_fields, f"--{name} -> {route.path}"
            annotation = model.model_fields[part].annotation
            model = annotation if isinstance(annotation, type) and hasattr(annotation, "model_fields") else None


@pytest.mark.parametrize(
    ("argv", "path", "default"),
    [
        (["--is_pesudo_density=False", "--density_t=0"], "density_quantile", 0.6),
        (["--is_pesudo_distribution=False", "--cluster_k=0"], "cluster_k", 4),
        (["--is_pesudo=False", "--selection_threshold=0"], "selection_threshold", 0.9),
        (["--is_interpolation=False", "--interpolation_weights=0"], "interpolation_weight", 0.9),
    ],
)
def test_placeholder_zero_beside_a_switched_off_feature_is_ignored_with_a_note(argv, path, default):
    resolution = resolve(argv, method="alternative", tasks="EP")
    assert getattr(resolution.config.pseudo, path) == default
    assert any(f"{argv[1]} ({argv[0].split('=')[0]} is off)" in n for n in resolution.notes)


def test_placeholder_zero_of_freezing_keeps_the_default_and_a_nonzero_unused_value_stays():
    resolution = resolve(["--is_freezing=False", "--no_freezing_epoch=0", "--selection_threshold=0.8"],
                         method="joint", tasks="EP")
    assert resolution.config.training.freeze_epochs == 32 and resolution.config.pseudo.selection_threshold == 0.8
    assert any("no effect: --selection_threshold=0.8" in n for n in resolution.notes)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--is_pesudo_density=True", "--density_t=0"], "--density_t: Input should be greater than 0"),
        (["--is_pesudo=True", "--is_pesudo_distribution=True", "--cluster_k=0"], "--cluster_k: Input should be greater"),
        (["--preset=sa-mtl", "--density_t=0"], "--density_t: Input should be greater than 0"),
        (["--is_distilled=True", "--distill_t=0"], "--distill_t: Input should be greater than 0"),
    ],
)
def test_zero_with_its_feature_on_is_refused_naming_the_flag(argv, message):
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}"):
        resolve(argv, method="alternative", tasks="EP")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "3", "--epochs", "5"], "--epochs=5: contradicts --epochs=3 (both set training.epochs)"),
        (["--epoch=3", "--epochs=5"], "--epochs=5: contradicts --epoch=3 (both set training.epochs)"),
        (["--dataset_emotion=expw", "--dataset-emotion=ferplus"], "--dataset-emotion=ferplus: contradicts --dataset_emotion=expw"),
        (["--is_pesudo=True", "--pseudo=False"], "--pseudo=False: contradicts --is_pesudo=True"),
    ],
)
def test_a_field_set_twice_to_different_values_is_refused_naming_both(argv, message):
    with pytest.raises(ConfigError) as err:
        resolve(argv, method="alternative", tasks="EP")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_the_same_value_twice_is_accepted_with_a_note():
    resolution = resolve(["--epoch=3", "--epochs", "3.0", "--is_bn=True", "--batch-norm=true"], method="joint", tasks="EP")
    assert resolution.config.training.epochs == 3 and resolution.config.training.batch_norm
    assert "--epochs=3.0 repeats --epoch=3" in resolution.notes


@pytest.mark.parametrize(
    ("argv", "preset", "method"),
    [
        (["--is_lnorm=True", "--is_trace_norm=True"], "sfsmr", "SFSMR"),
        (["--is_lnorm=True", "--is_nuclear_norm=True", "--is_trace_norm=True"], "slrm", "SLRM"),
        (["--is_trace_norm=True"], "slrm", "SLRM"),
    ],
)
def test_manifold_readme_flags_select_their_baseline(argv, preset, method):
    config = resolve(argv, method="joint", tasks="EP").config
    assert (config.preset, config.paper_method) == (preset, method)


@pytest.mark.parametrize(
    ("flag", "value", "field"),
    [
        ("--pseudo-every", "3", "every_epochs"),
        ("--cluster-method", "kmeans", "cluster_method"),
        ("--distribution-metric", "mmd", "distribution_metric"),
        ("--unselected", "drop", "unselected"),
        ("--pseudo-mode", "soft", "mode"),
        ("--confidence-threshold", "0.5", "confidence_threshold"),
        ("--refine", "label_propagation", "refine"),
        ("--selection-threshold", "0.7", "selection_threshold"),
        ("--density-quantile", "0.4", "density_quantile"),
    ],
)
def test_short_pseudo_label_flags(flag, value, field):
    config = resolve(["--pseudo", flag, value], method="joint", tasks="EP").config
    assert str(getattr(config.pseudo, field)) == value


def test_stl_task_type_naming_a_task_the_dataset_lacks_follows_the_dataset():
    resolution = resolve(["--task_type=10", "--dataset=aflw"], method="stl")
    assert resolution.config.tasks == ("pose",) and resolution.config.datasets == {"pose": "aflw"}
    assert any("--task_type=10 is gender, but aflw labels only pose" in n for n in resolution.notes)
    with pytest.raises(ConfigError, match="--dataset_gender: aflw labels pose"):
        resolve(["--tasks=G", "--dataset=aflw"], method="stl")


@pytest.mark.parametrize(
    ("argv", "method", "tasks"),
    [
        (["--dataset_emotion=expw", "--dataset_pose=aflw", "--is_distilled=True"], "alternative", ("emotion", "pose")),
        (["--dataset_emotion=expw", "--dataset_pose=aflw", "--is_pesudo=True", "--is_pesudo_density=True"],
         "alternative", ("emotion", "pose")),
        (["--dataset_emotion=expw", "--dataset_pose=aflw", "--is_naive=True"], "joint", ("emotion", "pose")),
        (["--dataset=SFEW", "--task_type=0"], "stl", ("emotion",)),
    ],
)
def test_original_flags_without_their_script_imply_the_strategy(argv, method, tasks):
    config = resolve(argv).config
    assert (config.method, config.tasks) == (method, tasks)


def test_clean_flags_without_a_method_are_still_refused():
    with pytest.raises(ConfigError, match="--method: missing"):
        resolve(["--epochs", "3"], tasks="EP")
