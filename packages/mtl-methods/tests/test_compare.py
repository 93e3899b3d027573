from __future__ import annotations

import numpy as np

from faceschemas.flags import resolve
from faceschemas.report import Timings
from mtl_methods.compare import comparison_chart, markdown_table
from mtl_methods.experiment import build_report
from mtl_methods.metrics import task_metrics
from mtl_methods.results import load_entries
from mtl_methods.runs import RunFolder


def _scores(accuracy, n=10):
    right = round(accuracy * n)
    return np.zeros(n, int), np.r_[np.zeros(right, int), np.ones(n - right, int)]


def _run(root, seed, accuracy, preset, cross=None):
    """A finished EP run: `accuracy` in-domain; with `cross`, emotion on AFLW's images (hidden truth)."""
    config = resolve(["--tasks", "EP", "--seed", str(seed)], preset=preset).config
    run = RunFolder.create(root, config)
    metrics = [task_metrics(t, ds, "test", *_scores(accuracy)) for t, ds in (("emotion", "synth_expw"), ("pose", "synth_aflw"))]
    if cross is not None:
        metrics.append(task_metrics("emotion", "synth_aflw", "test", *_scores(cross), ground_truth="hidden"))
    run.write_report(build_report(config, run, metrics, 1, 0, Timings()))
    return run.path


def test_compare_groups_seeds_into_mean_and_spread_and_draws_a_chart(tmp_path):
    runs = [_run(tmp_path, 0, 0.6, "all-in-one"), _run(tmp_path, 1, 0.8, "all-in-one"),
            _run(tmp_path, 0, 0.5, "dml-lwf")]
    loaded = load_entries(runs)
    table = markdown_table(loaded).splitlines()
    assert table[0] == "| method | emotion@synth_expw | pose@synth_aflw |"
    assert table[2].startswith("| All-in-one EP (vggface16) | 70.00 ± 14.14 (n=2) |")
    assert table[3].startswith("| DML-LWF EP (vggface16) | 50.00 |")
    assert "gap closed" not in markdown_table(loaded)  # no oracle among the inputs
    chart = comparison_chart(loaded, tmp_path / "chart.png")
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_an_oracle_among_the_runs_adds_the_gap_closed_column(tmp_path):
    # Cross-domain emotion@synth_aflw: All-in-one 0.2/0.4, oracle 0.8/0.8, SA-MTL 0.5/0.6, so the
    # gaps are 0.6 and 0.4 and SA-MTL closes 0.3/0.6 = 0.5 and 0.2/0.4 = 0.5 of them. In-domain the
    # oracle is no better than All-in-one (0.6 = 0.6): no gap to close there.
    runs = [_run(tmp_path, s, 0.6, preset, cross) for preset, crosses in
            (("all-in-one", (0.2, 0.4)), ("oracle", (0.8, 0.8)), ("sa-mtl", (0.5, 0.6)))
            for s, cross in enumerate(crosses)]
    text = markdown_table(load_entries(runs))
    lines = text.splitlines()
    assert lines[0] == "| method | emotion@synth_expw | pose@synth_aflw | emotion@synth_aflw † | gap closed † |"
    row = next(line for line in lines if line.startswith("| SA-MTL ("))
    assert row.endswith("| 0.50 (1 column) |"), row
    assert next(line for line in lines if line.startswith("| All-in-one EP")).endswith("| – |")
    gap_rows = [line for line in lines if line.startswith("| SA-MTL (")]
    assert gap_rows[1].endswith(" EP (vggface16) | no gap to close | no gap to close | 0.50 ± 0.00 |"), gap_rows
