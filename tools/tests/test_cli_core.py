"""`mtl --help`, `--version`, `mtl list`, `mtl config check`: output and exit codes."""

import json
import shlex

import pytest


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


@pytest.mark.parametrize(
    "args",
    [
        ("config", "check", "--method", "joint", "--tasks", "EP", "--epoch=abc"),
        ("config", "check", "--method", "joint", "--tasks", "EP", "--is_pesudoo=True"),
        ("config", "check", "--method", "hybrid", "--tasks", "EP"),
        ("config", "check", "--tasks", "EP"),
        ("nonsense",),
    ],
)
def test_user_errors_are_one_line_and_exit_2(mtl, args):
    result = mtl(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtl: error: "), result.stderr
    assert "Traceback" not in result.stderr


def test_config_flags_lists_original_flags(mtl):
    out = mtl("config", "flags", "--legacy-only").stdout
    assert "--is_pesudo" in out and "pseudo.enabled" in out and "--epochs " not in out
