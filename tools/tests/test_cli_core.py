"""`mtl --help`, `--version`, `mtl list`, `mtl config check`: output and exit codes."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

# What TensorFlow's native start-up (absl before InitializeLog, oneDNN, CUDA probing) prints on fd 2.
NATIVE_NOISE = ("absl::InitializeLog", "cuInit", "oneDNN", "cpu_feature_guard", "E0000", "W0000", "I0000")


def test_version_and_help(mtl):
    assert mtl("--version").stdout.strip() == "mtl, version 0.1.0"
    help_text = mtl("--help").stdout
    for command in ("config", "list"):
        assert f"  {command} " in help_text


def test_list_tasks_shows_every_label_space(mtl):
    out = mtl("list", "tasks").stdout
    for line in ("E  emotion  7 classes", "P  pose     5 classes", "A  age      8 classes", "0  angry", "4  yaw[60,inf)"):
        assert line in out


def test_config_check_prints_resolved_json(mtl):
    result = mtl("config", "check", "--method", "alternative", "--tasks", "EP", "--is_distilled=True", "--distill_t=1")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["distill"] == {"enabled": True, "temperature": 1.0, "kd_form": "paper_ce"}
    assert "method: DML-LWF" in result.stderr


def test_config_check_of_a_verbatim_published_line(mtl):
    line = ("python ALTERNATIVE_EP.py --dataset_emotion=ferplus --dataset_pose=aflw --is_pesudo=True "
            "--is_interpolation=True --is_pesudo_confidence=True --is_pesudo_density=True "
            "--is_pesudo_distribution=True --selection_threshold=0 --cluster_k=4 --density_t=0.6")
    result = mtl("config", "check", *shlex.split(line))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pseudo"]["mode"] == "soft"
    assert "SA-MTL" in result.stderr


def test_config_flags_lists_original_flags(mtl):
    out = mtl("config", "flags", "--legacy-only").stdout
    assert "--is_pesudo" in out and "pseudo.enabled" in out and "--epochs " not in out


def test_a_tensorflow_command_prints_no_native_startup_lines():
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "GRPC_VERBOSITY")}
    console_script = Path(sys.executable).parent / "mtl"
    result = subprocess.run([str(console_script), "models", "backbones"], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "vggface16" in result.stdout
    assert [n for n in NATIVE_NOISE if n in result.stderr] == [], result.stderr[-2000:]


def test_a_flag_given_twice_with_two_values_is_one_line_naming_both(mtl):
    result = mtl("config", "check", "--method", "joint", "--tasks", "EP", "--epoch=3", "--epochs", "5")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "mtl: error: --epochs=5: contradicts --epoch=3 (both set training.epochs); give it once"
