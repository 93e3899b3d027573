from __future__ import annotations

import numpy as np

from faceschemas.flags import resolve
from faceschemas.report import Timings
from mtl_methods.compare import bar_chart, load_runs, markdown_table
from mtl_methods.experiment import build_report
from mtl_methods.metrics import task_metrics
from mtl_methods.runs import RunFolder


def _run(root, seed, accuracy, preset):
    config = resolve(["--tasks", "EP", "--seed", str(seed)], preset=preset).config
    run = RunFolder.create(root, config)
    n = 10
    right = round(accuracy * n)
    metrics = [task_metrics(t, ds, "test", np.zeros(n, int), np.r_[np.zeros(right, int), np.ones(n - right, int)])
               for t, ds in (("emotion", "synth_expw"), ("pose", "synth_aflw"))]
    run.write_report(build_report(config, run, metrics, 1, 0, Timings()))
    return run.path


def test_compare_groups_seeds_into_mean_and_spread_and_draws_a_chart(tmp_path):
    runs = [_run(tmp_path, 0, 0.6, "all-in-one"), _run(tmp_path, 1, 0.8, "all-in-one"),
            _run(tmp_path, 0, 0.5, "dml-lwf")]
    loaded = load_runs(runs)
    table = markdown_table(loaded).splitlines()
    assert table[0] == "| method | emotion@synth_expw | pose@synth_aflw |"
    assert table[2].startswith("| All-in-one EP (vggface16) | 70.00 ± 14.14 (n=2) |")
    assert table[3].startswith("| DML-LWF EP (vggface16) | 50.00 |")
    chart = bar_chart(loaded, tmp_path / "chart.png")
    assert chart.read_bytes()[:4] == b"\x89PNG"
