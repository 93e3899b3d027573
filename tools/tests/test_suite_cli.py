"""`mtl suite --quick` end to end on a small built-in benchmark, then the results page from its records."""

from __future__ import annotations

import json
from itertools import takewhile
from pathlib import Path

import pytest

PAPER = Path(__file__).resolve().parents[2] / "pipelines" / "suites" / "paper.yaml"


@pytest.mark.slow
def test_quick_paper_suite_trains_records_resumes_and_renders_the_results_page(mtl, tmp_path):
    from facedata.synth import build_benchmark

    bench = tmp_path / "bench"
    build_benchmark(bench, scale=0.05, image_size=64)
    args = ["suite", str(PAPER), "--quick", "--runs-dir", str(tmp_path / "runs"), "--records",
            str(tmp_path / "records"), "--data-root", str(bench)]
    first = mtl(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "[1/2] All-in-one EP seed 0: training" in first.stderr and "[2/2] SA-MTL EP seed 0: done" in first.stderr
    records = sorted((tmp_path / "records").glob("*.json"))
    assert len(records) == 2 and all(p.stat().st_size < 40_000 for p in records)
    again = mtl(*args)  # everything recorded: nothing trains
    assert again.returncode == 0 and again.stderr.count("skipped") == 2, again.stderr[-2000:]
    page = tmp_path / "docs" / "results.md"
    rendered = mtl("compare", str(tmp_path / "records"), "--page", str(page))
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    text = page.read_text()
    header = ("| method | seeds | emotion@synth_expw | pose@synth_aflw | emotion@synth_aflw † | "
              "pose@synth_expw † | mean rank |")
    lines = text.splitlines()
    assert header in lines
    rows = _table_rows(lines, lines.index(header))
    assert [row.split(" | ")[0] for row in rows] == ["| All-in-one", "| SA-MTL"]
    assert all(row.count("|") == 8 for row in rows)
    paired_title = next(i for i, line in enumerate(lines) if line.startswith("Paired per-seed difference, SA-MTL"))
    paired = _table_rows(lines, paired_title + 2)  # a blank line between the title and the table
    assert len(paired) == 1 and paired[0].startswith("| SA-MTL |") and paired[0].count("(n=1)") == 4
    assert "SA-MTL minus the best baseline (All-in-one)" in text and "## Pseudo-labels" in text
    assert (page.parent / "results_EP.png").is_file() and (page.parent / "results_reliability.png").is_file()
    sa_mtl = json.loads(next(p for p in records if "sa-mtl" in p.read_text()).read_text())
    assert any(k.startswith("pseudo/pose/synth_expw/") for k in sa_mtl["epochs"][0])


def _table_rows(lines: list[str], header_at: int) -> list[str]:
    """The body rows of the markdown table whose header line is `lines[header_at]`."""
    return list(takewhile(lambda line: line.startswith("|"), lines[header_at + 2:]))


SCORED = """
name: scored
epochs: 1
seeds: [0]
flags: [--batch_size, "16", --steps_per_epoch, "2"]
runs:
  - {name: All-in-one, preset: all-in-one, tasks: EP, group: EP}
  - {name: STL, method: stl, tasks: E, datasets: {emotion: synth_expw}, group: stl, evaluate_on: [synth_aflw]}
"""


@pytest.mark.slow
def test_a_single_task_run_scored_on_another_dataset_fills_its_cross_domain_cell(mtl, tmp_path):
    from facedata.synth import build_benchmark

    bench = tmp_path / "bench"
    build_benchmark(bench, scale=0.05, image_size=64)
    suite = tmp_path / "scored.yaml"
    suite.write_text(SCORED)
    records = tmp_path / "records"
    done = mtl("suite", str(suite), "--runs-dir", str(tmp_path / "runs"), "--records", str(records), "--data-root", str(bench))
    assert done.returncode == 0, done.stderr[-3000:]
    stl = json.loads(next(p for p in records.glob("*.json") if '"stl"' in p.read_text()).read_text())
    hidden = {(m["task"], m["dataset"]) for m in stl["report"]["metrics"] if m["ground_truth"] == "hidden"}
    assert ("emotion", "synth_aflw") in hidden
    page = tmp_path / "results.md"
    assert mtl("compare", str(records), "--page", str(page)).returncode == 0
    row = next(line for line in page.read_text().splitlines() if line.startswith("| STL |"))
    # emotion@synth_expw, pose@synth_aflw, emotion@synth_aflw †, pose@synth_expw †: an emotion model has no pose.
    cells = [c.strip() for c in row.split("|")[3:7]]
    assert cells[1] == cells[3] == "–" and cells[0] != "–" and cells[2] != "–", row
