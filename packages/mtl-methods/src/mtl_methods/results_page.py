"""Writes docs/results.md and its figures from suite entries (`mtl compare ... --page FILE`).

Everything on the page is computed from the runs; the closing section states what the numbers
show in generated sentences (ranks, paired differences, pseudo-label precision), so the page
cannot drift from the records it was rendered from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from mtl_methods.results import (
    CEILING,
    FLOOR,
    ONE_CLASS_SHARE,
    PROPOSED,
    SHARED_GROUP,
    SINGLE_TASK,
    Entry,
    Table,
    best_baseline,
    build_table,
    columns_of,
    gap_closed,
    group_members,
    in_domain_columns,
    is_proposed,
    mean_ranks,
    one_class_runs,
    paired_difference,
    pseudo_quality,
    table_markdown,
)


def groups_of(entries: list[Entry]) -> list[str]:
    """The tables of the page: the main comparisons (tables with an All-in-one row) first, each
    kind in the order of the suite files' lines."""
    first: dict[str, tuple[bool, int]] = {}
    for e in entries:
        if e.group != SHARED_GROUP:
            main = any(o.group == e.group and o.name == FLOOR for o in entries)
            key = (not main, e.position)
            first[e.group] = min(first.get(e.group, key), key)
    return sorted(first, key=first.get)


def _settings_line(entries: list[Entry]) -> str:
    backbones = sorted({e.report.backbone for e in entries})
    epochs = sorted({e.report.epochs_completed for e in entries})
    seeds = sorted({e.seed for e in entries})
    return (f"{len(entries)} runs; backbones {', '.join(backbones)}; epochs {', '.join(map(str, epochs))}; "
            f"seeds {', '.join(map(str, seeds))}")


def paired_markdown(table: Table) -> tuple[str, str | None, dict[str, float]]:
    """The SA-MTL minus best-baseline section (one row per SA-MTL variant of the table: hard
    selection, longer training), the baseline's name and each variant's mean difference."""
    baseline = best_baseline(table)
    if PROPOSED not in table.rows or FLOOR not in table.rows or baseline is None:
        return "", baseline, {}
    variants = sorted(filter(is_proposed, table.rows), key=lambda row: row != PROPOSED)  # SA-MTL first
    found = {row: diffs for row in variants if (diffs := paired_difference(table, row, baseline))}
    if PROPOSED not in found:
        return "", baseline, {}
    columns = list(found[PROPOSED])
    lines = [f"Paired per-seed difference, {PROPOSED} minus the best baseline ({baseline}), in points "
             f"(one row per {PROPOSED} variant of the table):", "",
             "| method | " + " | ".join(columns) + " | mean |", "|---" * (len(columns) + 2) + "|"]
    overall = {}
    for row, diffs in found.items():
        overall[row] = float(np.mean([m for m, _, _ in diffs.values()]))
        cells = [_difference(*diffs[c]) if c in diffs else "–" for c in columns]
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {overall[row]:+.1f} |")
    return "\n".join(lines), baseline, overall


def single_task_reference(table: Table) -> str | None:
    """The table's single-task row ("STL", "STL from scratch", ...), if it has one."""
    return next((row for row in table.rows if row.split()[0] == SINGLE_TASK), None)


def against_single_task(table: Table) -> dict[str, dict[str, tuple[float, float, int]]]:
    """Per other row, the paired per-seed difference (row - single-task row) on the columns both
    have; only for tables without SA-MTL (the MTL-against-STL experiments), whose question this is."""
    reference = single_task_reference(table)
    if reference is None or PROPOSED in table.rows:
        return {}
    found = {row: paired_difference(table, row, reference) for row in table.rows if row != reference}
    return {row: diffs for row, diffs in found.items() if diffs}


def single_task_markdown(table: Table) -> str:
    """The against-single-task section of `against_single_task`, or "" when it does not apply."""
    found = against_single_task(table)
    if not found:
        return ""
    columns = [c for c in table.columns if any(c in diffs for diffs in found.values())]
    lines = [f"Paired per-seed difference against single-task training, method minus "
             f"{single_task_reference(table)}, in points:", "",
             "| method | " + " | ".join(columns) + " | mean |", "|---" * (len(columns) + 2) + "|"]
    for row, diffs in found.items():
        cells = [_difference(*diffs[c]) if c in diffs else "–" for c in columns]
        overall = float(np.mean([m for m, _, _ in diffs.values()]))
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {overall:+.1f} |")
    return "\n".join(lines)


def _difference(mean: float, std: float, n: int) -> str:
    return f"{mean:+.1f} ± {std:.1f} (n={n})" if n > 1 else f"{mean:+.1f} (n=1)"


def gap_markdown(table: Table, floor: str = FLOOR, ceiling: str = CEILING, rows: list[str] | None = None) -> str:
    """The gap-closed table of `rows` (default: every row but the floor and the ceiling)."""
    if ceiling not in table.rows or floor not in table.rows:
        return ""
    rows = [r for r in (rows or table.rows) if r not in (floor, ceiling)]
    lines = [f"Gap closed, (method − {FLOOR}) / ({CEILING} − {FLOOR}), mean ± std over seeds "
             f"(1 = as good as training with every label, 0 = no better than {FLOOR}):", "",
             "| method | " + " | ".join(table.columns) + " |", "|---" * (len(table.columns) + 1) + "|"]
    for row in rows:
        closed = gap_closed(table, row, floor, ceiling)
        lines.append(f"| {row} | " + " | ".join(closed[c] for c in table.columns) + " |")
    return "\n".join(lines)


def one_class_markdown(tables: list[Table], entries: list[Entry]) -> str:
    """The cells where runs answer one class for nearly every image, each run listed once (at the
    first table it is in): a high accuracy there is the class's share of the truth, not recognition."""
    seen, found = set(), defaultdict(dict)
    for table in tables:
        for entry, column, share, accuracy in one_class_runs(table, entries):
            if (entry.report.run_id, column) not in seen:
                seen.add((entry.report.run_id, column))
                found[(table.group, entry.name, column)][entry.seed] = (share, accuracy)
    if not found:
        return ""
    lines = [f"Runs that give one class to at least {100 * ONE_CLASS_SHARE:.0f} % of a column's images "
             "(their accuracy there is that class's share of the truth, not recognition):", "",
             "| table | method | column | seeds | top class share | accuracy |", "|---|---|---|---|---|---|"]
    for (group, row, column), by_seed in found.items():
        seeds = dict(sorted(by_seed.items()))
        shares = ", ".join(f"{100 * share:.0f}" for share, _ in seeds.values())
        accuracies = ", ".join(f"{100 * accuracy:.1f}" for _, accuracy in seeds.values())
        lines.append(f"| {group} | {row} | {column} | {', '.join(map(str, seeds))} | {shares} | {accuracies} |")
    return "\n".join(lines)


def oracle_as_labeller(entries: list[Entry]) -> dict[str, dict[str, list[float]]]:
    """The oracle's accuracy on the other datasets' images: the best pseudo-labeller of this model."""
    found: dict[str, dict[str, list[float]]] = {}
    for e in entries:
        if e.name != CEILING:
            continue
        row = found.setdefault(f"{CEILING} [{e.group}] (its predictions on test images)", {})
        own = in_domain_columns(e)
        for column, value in columns_of(e).items():
            if column not in own:
                row.setdefault(f"{column}/precision", []).append(value)
    return found


def pseudo_markdown(entries: list[Entry]) -> str:
    quality = pseudo_quality(entries)
    if not quality:
        return ""
    quality |= oracle_as_labeller(entries)
    keys = sorted({k.rsplit("/", 1)[0] for v in quality.values() for k in v})
    lines = ["Pseudo-label quality at the last refresh, from the hidden truth: precision of all pseudo-labels / "
             "AUROC of the weight against correctness (mean over seeds). Columns are task@the images labelled; "
             f"the {CEILING} row is the ceiling a pseudo-labeller of this model can reach.", "",
             "| method | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for method, values in quality.items():
        cells = []
        for key in keys:
            p, a = values.get(f"{key}/precision"), values.get(f"{key}/auroc_weight")
            cells.append("–" if not p else f"{100 * np.mean(p):.1f}" + (f" / {np.mean(a):.2f}" if a else ""))
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bar_chart(table: Table, path: Path) -> Path:
    """Grouped bars with seed spread as error bars, one group per column."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = 0.8 / max(1, len(table.rows))
    fig, ax = plt.subplots(figsize=(max(7, 1.5 * len(table.columns)), 4.5))
    for i, row in enumerate(table.rows):
        values = [table.values(row, c) for c in table.columns]
        means = [100 * np.mean(v) if v else 0.0 for v in values]
        spread = [100 * np.std(v, ddof=1) if len(v) > 1 else 0.0 for v in values]
        colour = plt.cm.tab20(i % 20)  # the default cycle repeats after 10 rows
        ax.bar(np.arange(len(table.columns)) + i * width, means, width, yerr=spread, capsize=2, label=row,
               color=colour)
    ax.set_xticks(np.arange(len(table.columns)) + width * (len(table.rows) - 1) / 2, table.columns, rotation=20)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"{table.group}: mean ± std over seeds")
    ax.legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def learning_curves(group: str, entries: list[Entry], path: Path) -> Path | None:
    """Validation score per epoch of each method of a group (mean over seeds): has it converged?"""
    curves: dict[str, list[list[float]]] = {}
    for e in group_members(group, entries):
        scores = [r["val_score"] for r in e.epochs if r.get("val_score") is not None]
        if scores:
            curves.setdefault(e.name, []).append(scores)
    if not curves:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, runs in curves.items():
        length = min(len(r) for r in runs)
        mean = np.mean([r[:length] for r in runs], axis=0)
        ax.plot(np.arange(1, length + 1), 100 * mean, marker=".", label=name)
    ax.set(xlabel="epoch", ylabel="validation score (mean accuracy, %)", title=f"{group}: learning curves")
    ax.legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def reliability_chart(entries: list[Entry], path: Path) -> Path | None:
    """Precision against weight at the last refresh, one line per method and task (seeds pooled)."""
    pooled: dict[str, list] = {}
    for e in entries:
        for task, bins in e.reliability.items():
            pooled.setdefault(f"{e.name} [{e.group}] {task}", []).append(bins)
    if not pooled:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5))
    for label, runs in pooled.items():
        centres, precision = _pool_bins(runs)
        ax.plot(centres, precision, marker="o", label=label)
    ax.plot([0, 1], [0, 1], ":", color="grey", label="precision = weight")
    ax.set(xlabel="pseudo-label weight", ylabel="precision (hidden truth)", xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(fontsize="x-small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _pool_bins(runs: list) -> tuple[list[float], list[float]]:
    """Count-weighted precision per weight bin over several runs' bins."""
    centres, precision = [], []
    for cells in zip(*runs, strict=False):
        count = sum(c[2] for c in cells)
        if count:
            centres.append((cells[0][0] + cells[0][1]) / 2)
            precision.append(sum(c[2] * (c[3] or 0.0) for c in cells) / count)
    return centres, precision


def findings(tables: list[Table]) -> list[str]:
    """Generated sentences: where SA-MTL ranks and how it compares with the best baseline; in
    tables without it, how each multi-task row compares with single-task training."""
    said = []
    for table in tables:
        ranks = mean_ranks(table)
        if PROPOSED not in ranks:
            said += _single_task_findings(table)
            continue
        order = sorted(ranks, key=ranks.get)
        _, baseline, overall = paired_markdown(table)
        said.append(f"- {table.group}: {PROPOSED} has mean rank {ranks[PROPOSED]:.2f} "
                    f"({order.index(PROPOSED) + 1} of {len(order)} methods; best rank: {order[0]}).")
        for row, difference in overall.items():
            subject = "it" if row == PROPOSED else f"{row} (mean rank {ranks[row]:.2f})"
            verdict = "above" if difference > 0 else "below"
            said.append(f"  Over the columns {subject} is {abs(difference):.1f} points {verdict} the best "
                        f"baseline, {baseline}, on average over paired seeds (per-column spread in the table above).")
        said += _proposed_against_single_task(table, list(overall))
    return said


def _proposed_against_single_task(table: Table, rows: list[str]) -> list[str]:
    """The paper also claims SA-MTL beats STL: each SA-MTL row minus the table's single-task row,
    paired per seed, over the columns both have (cross-domain ones when the STL runs were scored
    on the other datasets' images)."""
    reference = single_task_reference(table)
    said = []
    for row in rows if reference else []:
        means = [m for m, _, _ in paired_difference(table, row, reference).values()]
        if means:
            said.append(f"  {row} minus {reference} (one single-task model per task) is {float(np.mean(means)):+.1f} "
                        f"points on average over {len(means)} column(s), above it in {sum(m > 0 for m in means)}.")
    return said


def _single_task_findings(table: Table) -> list[str]:
    reference = single_task_reference(table)
    said = []
    for row, diffs in against_single_task(table).items():
        means = [m for m, _, _ in diffs.values()]
        said.append(f"- {table.group}: {row} minus {reference} is {float(np.mean(means)):+.1f} points on average "
                    f"over {len(means)} column(s), above it in {sum(m > 0 for m in means)}.")
    return said


def render(entries: list[Entry], page: Path, title: str = "Results on the built-in benchmark") -> Path:
    """Writes the page and its PNGs (beside it, `<page stem>_<group>.png`); returns the page."""
    page = Path(page)
    page.parent.mkdir(parents=True, exist_ok=True)
    tables = [build_table(g, entries) for g in groups_of(entries)]
    parts = [f"# {title}", "", "Generated by `mtl compare --page` from the run records; do not edit by hand. "
             f"{_settings_line(entries)}. Test-split accuracy in %, mean ± std over seeds; † marks "
             "cross-domain columns (a task scored on another dataset's images, from the hidden truth).", ""]
    for table in tables:
        stem = f"{page.stem}_{re.sub(r'[^A-Za-z0-9.-]+', '-', table.group).strip('-')}"  # a link-safe file name
        chart = bar_chart(table, page.with_name(f"{stem}.png"))
        paired, _, _ = paired_markdown(table)
        curves = learning_curves(table.group, entries, page.with_name(f"{stem}_curves.png"))
        parts += [f"## {table.group}", "", table_markdown(table, entries), "", paired, "", single_task_markdown(table),
                  "", gap_markdown(table), "",
                  f"![{table.group}]({chart.name})", ""]
        if curves:
            parts += [f"![{table.group} learning curves]({curves.name})", ""]
    # A run shared by several tables (one record, several places) is shown once, at the place of
    # the first table it is in.
    rank = {g: i for i, g in enumerate(groups_of(entries))}
    ordered = sorted((e for e in entries if e.group != SHARED_GROUP), key=lambda e: (rank[e.group], e.position))
    members = list({id(e.report): e for e in reversed(ordered)}.values())[::-1]
    collapsed = one_class_markdown(tables, entries)
    if collapsed:
        parts += ["## One-class answers", "", collapsed, ""]
    pseudo = pseudo_markdown(members)
    plot = reliability_chart(members, page.with_name(f"{page.stem}_reliability.png"))
    if pseudo or plot:
        parts += ["## Pseudo-labels", "", pseudo, ""]
        if plot:
            parts += [f"![precision against weight]({plot.name})", ""]
    said = findings(tables)
    if said:
        parts += ["## What the numbers show", "", *said, ""]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(parts))  # empty sections leave no gaps
    page.write_text(text.rstrip() + "\n")
    return page
