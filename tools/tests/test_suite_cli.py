"""`mtl suite --quick` end to end on a small built-in benchmark, then the results page from its records."""

from __future__ import annotations

import json
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
    assert header in text
    rows = [line for line in text.splitlines() if line.startswith(("| All-in-one |", "| SA-MTL |"))]
    assert len(rows) == 2 and all(row.count("|") == 8 for row in rows)
    assert "SA-MTL minus the best baseline (All-in-one)" in text and "## Pseudo-labels" in text
    assert (page.parent / "results_EP.png").is_file() and (page.parent / "results_reliability.png").is_file()
    sa_mtl = json.loads(next(p for p in records if "sa-mtl" in p.read_text()).read_text())
    assert any(k.startswith("pseudo/pose/synth_expw/") for k in sa_mtl["epochs"][0])
