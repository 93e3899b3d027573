"""Every published training line trains end to end on the built-in benchmark (slow).

Only the dataset names are swapped for the benchmark's sets (expw, SFEW -> synth_expw, aflw ->
synth_aflw); the model, batch size and every flag stay as printed, typos included. Each line is
cut to one short epoch (`--epoch=64` becomes `--epoch=1`, plus `--steps_per_epoch 2`).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "published_commands.txt"
SWAP = {"expw": "synth_expw", "SFEW": "synth_expw", "aflw": "synth_aflw"}
TEMPLATE = "SFEW[expw,ferplus]"
PAPER_METHOD = {"DML-LWF": "DML-LWF", "Distilling": "Distilling (T=2)", "SA-MTL (soft": "SA-MTL (soft",
                "SA-MTL (hard": "SA-MTL (hard", "All-in-one": "All-in-one", "DCN-AP": "DCN-AP",
                "SFSMR": "SFSMR", "SLRM": "SLRM", "LEL-LTN": "", "STL pose": "STL", "Joint, the 4-task": "All-in-one"}


def published() -> list[tuple[str, str]]:
    blocks, title = [], None
    for line in DATA.read_text().splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
        elif line.strip() and not line.startswith("#") and title and TEMPLATE not in line:
            blocks.append((title, line.strip()))
    return blocks


def swapped(line: str) -> list[str]:
    line = re.sub(r"(--dataset(?:_\w+)?)=(\w+)", lambda m: f"{m.group(1)}={SWAP.get(m.group(2), m.group(2))}", line)
    return [*shlex.split(line.replace("--epoch=64", "--epoch=1")), "--steps_per_epoch", "2"]


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    from facedata.synth import build_benchmark

    root = tmp_path_factory.mktemp("benchmark")
    build_benchmark(root, scale=0.05, image_size=64)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("title,line", published(), ids=[t for t, _ in published()])
def test_published_line_trains_on_the_benchmark(mtl, bench, tmp_path, title, line):
    result = mtl("train", *swapped(line), "--data-root", str(bench), "--runs-dir", str(tmp_path / "runs"))
    assert result.returncode == 0, result.stderr[-3000:]
    run = Path(result.stdout.strip().splitlines()[-1])
    report = json.loads((run / "report.json").read_text())
    expected = next(v for k, v in PAPER_METHOD.items() if title.startswith(k))
    assert report["paper_method"].startswith(expected) and report["epochs_completed"] == 1
    if "is_pesudo=True" in line and "ALTERNATIVE" in line:  # SA-MTL lines refresh pseudo-labels
        assert list((run / "pseudo").glob("epoch-000-pose.csv"))


def test_every_published_training_line_is_covered():
    titles = [t for t, _ in published()]
    assert len(titles) == 11 and all(any(t.startswith(k) for k in PAPER_METHOD) for t in titles)
