"""Comparison of finished runs (`mtl compare RUNS...`): a markdown table and a bar chart.

Rows are run configurations (runs that differ only by seed are one row: mean ± spread); columns
are per-task test accuracy per dataset, in-domain from the released labels and cross-domain (†)
from the hidden truth, as on the results page. When an oracle run is among the inputs, each row
also gets the fraction of the All-in-one-to-oracle gap it closes (mean over its cross-domain
columns in the table, per column in a second table), against the All-in-one and oracle runs of the same tasks
and backbone.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from faceschemas.config import ExperimentConfig
from faceschemas.tasks import task_letters
from mtl_methods.results import (
    CEILING,
    FLOOR,
    Entry,
    Table,
    build_table,
    cell_text,
    gap_fractions,
    is_cross_domain,
)
from mtl_methods.results_page import bar_chart, gap_markdown

GROUP = "compared runs"


def _config_key(entry: Entry) -> str:
    # Validated again, so that records written before a setting existed key like the newer ones.
    config = ExperimentConfig.model_validate(entry.config).model_dump(mode="json", exclude={"seed"})
    return json.dumps(config, sort_keys=True)


def _unused_name(entry: Entry, taken) -> str:
    letters, backbone = task_letters(entry.report.tasks), entry.report.backbone
    for name in (entry.name, f"{entry.name} {letters}", f"{entry.name} {letters} ({backbone})"):
        if name not in taken:
            return name
    while name in taken:
        name += "'"
    return name


def as_rows(entries: list[Entry]) -> list[Entry]:
    """The entries as rows of one table: one row per configuration, named after its run.

    Two configurations with the same name get their tasks, then their backbone, then primes
    added, so that their seeds are never averaged together.
    """
    names: dict[str, str] = {}
    rows = []
    for position, entry in enumerate(entries):
        key = _config_key(entry)
        if key not in names:
            names[key] = _unused_name(entry, set(names.values()))
        rows.append(replace(entry, name=names[key], group=GROUP, position=position, suite=""))
    return rows


def comparison_table(entries: list[Entry]) -> Table:
    return build_table(GROUP, as_rows(entries))


def gap_references(rows: list[Entry]) -> dict[str, tuple[str, str]]:
    """Row -> (All-in-one row, oracle row) of the same tasks and backbone, where both were given.

    `rows`: the entries as rows (`as_rows`).
    """

    def kind(entry: Entry) -> tuple[tuple[str, ...], str]:
        return tuple(entry.report.tasks), entry.report.backbone

    floors = {kind(e): e.name for e in rows if e.report.paper_method == FLOOR}
    ceilings = {kind(e): e.name for e in rows if e.report.paper_method.startswith(CEILING)}
    return {e.name: (floors[kind(e)], ceilings[kind(e)]) for e in rows
            if kind(e) in floors and kind(e) in ceilings}


def mean_gap_closed(table: Table, row: str, floor: str, ceiling: str, columns: list[str]) -> str:
    """The row's gap fraction averaged over those `columns` that have a gap to close (seed means)."""
    means = [float(np.mean(f)) for c in columns if (f := gap_fractions(table, row, c, floor, ceiling))]
    if not means:
        return "no gap to close"
    return f"{np.mean(means):.2f} ({len(means)} column{'s' if len(means) > 1 else ''})"


def markdown_table(entries: list[Entry]) -> str:
    """The comparison as markdown: accuracy in % (test split), and the gap closed with an oracle."""
    members = as_rows(entries)  # once: it re-validates every run's config
    table = build_table(GROUP, members)
    references = gap_references(members)
    cross = [c for c in table.columns if is_cross_domain(c, members)]
    heads = [f"{c} †" if c in cross else c for c in table.columns]
    # The summary is over the cross-domain columns, where the methods differ most; in-domain the
    # oracle is often within a point of All-in-one and a fraction of that is mostly noise.
    summary = cross or table.columns
    gap_head = f" gap closed{' †' if cross else ''} |" if references else ""
    lines = ["| method | " + " | ".join(heads) + " |" + gap_head, "|---" * (len(heads) + 1 + bool(references)) + "|"]
    for row in table.rows:
        cells = " | ".join(cell_text(table.values(row, c), digits=2, count=True) for c in table.columns)
        gap = ""
        if references:
            floor, ceiling = references.get(row, (None, None))
            gap = f" {mean_gap_closed(table, row, floor, ceiling, summary) if floor and row not in (floor, ceiling) else '–'} |"
        lines.append(f"| {row} | {cells} |{gap}")
    for floor, ceiling in sorted(set(references.values())):
        rows = [r for r, refs in references.items() if refs == (floor, ceiling)]
        lines += ["", gap_markdown(table, floor, ceiling, rows)]
    return "\n".join(lines)


def comparison_chart(entries: list[Entry], path) -> Path:
    """Grouped bars (one group per column, one bar per row) with seed spread as error bars."""
    return bar_chart(comparison_table(entries), Path(path))
