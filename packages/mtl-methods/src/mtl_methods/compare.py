"""Comparison of finished runs: a markdown table like the published ones, and a bar chart.

Rows are run configurations (runs that differ only by seed are one row: mean ± spread); columns
are per-task test accuracy per dataset, from the hidden ground truth for runs scored on it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from faceschemas.report import RunReport
from mtl_methods.results import cell_text, run_label
from mtl_methods.runs import RunFolder


def load_runs(paths) -> list[tuple[str, RunReport]]:
    """(config key, report) of every run folder; ValueError naming a folder that is not finished."""
    loaded = []
    for path in paths:
        run = RunFolder(path)
        config = run.config().model_dump(mode="json")
        config.pop("seed", None)
        loaded.append((json.dumps(config, sort_keys=True), run.read_report()))
    return loaded




def _truth_kind(report: RunReport) -> str:
    """A run scored on the hidden truth (mtl eval on the benchmark) is compared on it."""
    return "hidden" if any(m.ground_truth == "hidden" for m in report.metrics) else "labels"


def table_data(loaded) -> tuple[list[str], list[str], dict[tuple[str, str], list[float]]]:
    """Row labels, column names and the values of every cell (one per seed)."""
    groups: dict[str, list[RunReport]] = defaultdict(list)
    for key, report in loaded:
        groups[key].append(report)
    rows, columns, cells = [], [], defaultdict(list)
    for members in groups.values():
        label = run_label(members[0])
        while label in rows:
            label += "'"
        rows.append(label)
        for report in members:
            truth = _truth_kind(report)
            for m in report.metrics:
                if m.split != "test" or m.ground_truth != truth:
                    continue
                column = f"{m.task}@{Path(m.dataset).name}"
                if column not in columns:
                    columns.append(column)
                cells[(label, column)].append(m.accuracy)
    return rows, sorted(columns), cells


def _cell(values: list[float]) -> str:
    return cell_text(values, digits=2, count=True)


def markdown_table(loaded) -> str:
    """The comparison as a markdown table (accuracy in %, test split)."""
    rows, columns, cells = table_data(loaded)
    lines = ["| method | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for row in rows:
        lines.append(f"| {row} | " + " | ".join(_cell(cells.get((row, c), [])) for c in columns) + " |")
    return "\n".join(lines)


def bar_chart(loaded, path) -> Path:
    """Grouped bars (one group per column, one bar per row) with seed spread as error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, columns, cells = table_data(loaded)
    width = 0.8 / max(1, len(rows))
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(columns)), 4))
    for i, row in enumerate(rows):
        values = [cells.get((row, c), []) for c in columns]
        means = [100 * np.mean(v) if v else 0.0 for v in values]
        spread = [100 * np.std(v, ddof=1) if len(v) > 1 else 0.0 for v in values]
        ax.bar(np.arange(len(columns)) + i * width, means, width, yerr=spread, label=row)
    ax.set_xticks(np.arange(len(columns)) + width * (len(rows) - 1) / 2, columns, rotation=20)
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
