"""Every command line the original READMEs publish passes `mtl config check` unchanged.

The lines are copied verbatim into data/published_commands.txt (the spec lives outside the
repository, in ../shared/spec/published_commands.md; a test keeps the copy equal to it where it
exists). Each runs with and without its leading `python SCRIPT.py` and resolves to its paper method.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from faceschemas.flags import resolve
from faceschemas.tasks import parse_tasks
from mtl_tools.cli import mtl

DATA = Path(__file__).parent / "data" / "published_commands.txt"
SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "published_commands.md"
MTL = Path(sys.executable).parent / "mtl"
TEMPLATE, TEMPLATE_NAMES = "SFEW[expw,ferplus]", ("SFEW", "expw", "ferplus")  # one of three, not a name

# Title prefix -> (paper method, method, tasks with the script). Without the script the tasks come
# from the dataset flags, which for the 4-task line name emotion and pose only.
EXPECTED = {
    "DML-LWF": ("DML-LWF", "alternative", "EP"),
    "Distilling": ("Distilling (T=2)", "alternative", "EP"),
    "SA-MTL (soft": ("SA-MTL (soft interpolation; weights: confidence x density x distribution)", "alternative", "EP"),
    "All-in-one": ("All-in-one", "joint", "EP"),
    # The LEL-LTN package code is joint training with is_pesudo (spec 7.3): joint pseudo-labels.
    "LEL-LTN": ("pseudo-labels (unweighted)", "joint", "EP"),
    "DCN-AP": ("DCN-AP", "joint", "EP"),
    "SFSMR": ("SFSMR", "joint", "EP"),
    "SLRM": ("SLRM", "joint", "EP"),
    "STL emotion": ("STL", "stl", "E"),
    "STL pose": ("STL", "stl", "P"),
    "SA-MTL (hard": ("SA-MTL (hard selection at 0.8; weights: confidence x density x distribution)", "alternative", "EP"),
    "Joint, the 4-task": ("All-in-one", "joint", "EPGA"),
}


def _blocks(text: str) -> dict[str, str]:
    return dict(re.findall(r"^## ([^\n]+)\n(?:```\n)?(python [^\n]+)", text, re.M))


PUBLISHED = _blocks(DATA.read_text())


def _cases() -> list:
    cases = []
    for title, line in PUBLISHED.items():
        names = TEMPLATE_NAMES if TEMPLATE in line else [None]
        for name in names:
            concrete = line.replace(TEMPLATE, name) if name else line
            for with_script in (True, False):
                argv = shlex.split(concrete)[0 if with_script else 2:]
                label = f"{title[:24]}{'-' + name if name else ''}{'' if with_script else '-flags-only'}"
                cases.append(pytest.param(title, argv, with_script, id=label))
    return cases


def _expected(title: str) -> tuple[str, str, str]:
    matches = [v for k, v in EXPECTED.items() if title.startswith(k)]
    assert len(matches) == 1, title
    return matches[0]


def test_the_copy_holds_all_twelve_blocks_verbatim_from_the_spec():
    assert len(PUBLISHED) == 12 and all(title.startswith(tuple(EXPECTED)) for title in PUBLISHED)
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is absent (a clone without ../shared)")
    assert _blocks(SPEC.read_text()) == PUBLISHED


@pytest.mark.parametrize(("title", "argv", "with_script"), _cases())
def test_published_line_passes_config_check_as_its_paper_method(title, argv, with_script):
    paper, method, letters = _expected(title)
    result = CliRunner().invoke(mtl, ["config", "check", *argv])
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)
    tasks = list(parse_tasks(letters if with_script else letters[:2] if letters == "EPGA" else letters))
    assert (config["method"], config["tasks"]) == (method, tasks)
    assert f"method: {paper}" in result.stderr
    assert resolve(argv).config.paper_method == paper
    given = dict(re.findall(r"--dataset_(emotion|pose)=(\w+)", " ".join(argv)))
    if "--dataset=" in " ".join(argv):
        given = {tasks[0]: next(a for a in argv if a.startswith("--dataset=")).split("=", 1)[1]}
    assert {t: config["datasets"][t] for t in given} == {t: n.lower() for t, n in given.items()}


@pytest.mark.parametrize("title", ["DML-LWF", "STL pose", "SLRM"])
def test_published_line_through_the_console_script(title):
    line = PUBLISHED[title]
    result = subprocess.run([str(MTL), "config", "check", *shlex.split(line)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"method: {_expected(title)[0]}\n" in result.stderr
    assert "Traceback" not in result.stderr


def test_placeholders_are_ignored_off_and_refused_on():
    line = PUBLISHED["DML-LWF"]
    resolution = resolve(shlex.split(line))
    pseudo = resolution.config.pseudo
    assert (pseudo.density_quantile, pseudo.cluster_k) == (0.6, 4)  # the defaults, not the zeros
    assert any("--density_t=0 (--is_pesudo_density is off)" in n for n in resolution.notes)
    switched_on = line.replace("--is_pesudo_density=False", "--is_pesudo_density=True")
    with pytest.raises(ValueError, match="--density_t: Input should be greater than 0"):
        resolve(shlex.split(switched_on))  # the CLI's one-line exit 2: test_user_errors.py


def test_stl_pose_line_follows_the_dataset_with_a_note():
    resolution = resolve(shlex.split(PUBLISHED["STL pose"]))
    assert resolution.config.tasks == ("pose",) and resolution.config.datasets == {"pose": "aflw"}
    assert any("--task_type=10 is gender, but aflw labels only pose" in n for n in resolution.notes)
