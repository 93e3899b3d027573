"""The results page of an experiment suite, rendered from finished runs or their records alone.

Per table (a suite group such as EP or EPGA): every method's test accuracy per task and dataset,
mean ± std over seeds, in-domain (released labels) and cross-domain (hidden truth on the other
datasets' images); each method's mean rank; a paired per-seed difference between SA-MTL and the
best baseline; pseudo-label precision and the AUROC of weight against correctness; and, with an
oracle row, the fraction of the All-in-one-to-oracle gap each method closes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from faceschemas.layouts import RunLayout
from faceschemas.report import RunReport, TaskMetrics
from faceschemas.suite import RunRecord
from faceschemas.tasks import task_letters
from mtl_methods.runs import RunFolder, refresh_diagnostics

SHARED_GROUP = "stl"  # single-task rows appear in every table of their suite
PROPOSED = "SA-MTL"
FLOOR, CEILING = "All-in-one", "Oracle"
SINGLE_TASK = "STL"  # the first word of single-task rows' names in the suites
ONE_CLASS_SHARE = 0.95  # answers this concentrated on one class are a collapse, not recognition


@dataclass
class Entry:
    """One finished run: its row name, table, seed, report and per-epoch notes."""

    name: str
    group: str
    seed: int
    config: dict
    report: RunReport
    epochs: list[dict] = field(default_factory=list)
    reliability: dict = field(default_factory=dict)
    position: int = 0  # row order: the run's line in its suite file
    suite: str = ""

    @classmethod
    def from_record(cls, record: RunRecord) -> list[Entry]:
        """One entry per place the run has on a results page."""
        return [cls(m.name, m.group, int(record.config.get("seed", 0)), record.config, record.report,
                    record.epochs, record.reliability, m.position, m.suite) for m in record.memberships]

    @classmethod
    def from_run(cls, folder: Path) -> Entry:
        run = RunFolder(folder)
        report = run.read_report()
        return cls(run_label(report), task_letters(report.tasks), report.seed,
                   run.config().model_dump(mode="json"), report, run.read_metrics())


def run_label(report: RunReport) -> str:
    """The row name of a run that is not part of a suite: paper method, tasks, backbone."""
    return f"{report.paper_method} {task_letters(report.tasks)} ({report.backbone})"


def load_entries(paths) -> list[Entry]:
    """Entries from run folders, record files, or folders of record files (docs/results/runs)."""
    entries = []
    for path in map(Path, paths):
        if (path / RunLayout.CONFIG).is_file():
            entries.append(Entry.from_run(path))
        else:
            files = sorted(path.glob("*.json")) if path.is_dir() else [path]
            for file in files:
                entries += Entry.from_record(RunRecord.model_validate_json(file.read_text()))
    return entries


def _test_metrics(entry: Entry):
    return [m for m in entry.report.metrics if m.split == "test"]


def in_domain_columns(entry: Entry) -> set[str]:
    """Columns scored on released labels: each task on the dataset(s) that label it."""
    return {f"{m.task}@{Path(m.dataset).name}" for m in _test_metrics(entry) if m.ground_truth == "labels"}


def column_metrics(entry: Entry) -> dict[str, TaskMetrics]:
    """`task@dataset` -> test metrics: in-domain from labels, cross-domain from the hidden truth.

    A (task, dataset) pair is in-domain when the run has released-label metrics for it; every
    other pair scored on the hidden truth is cross-domain (the oracle, trained on full labels,
    still has the same in-domain pairs as the others: its sources name their own tasks).
    """
    own = in_domain_columns(entry)
    found = {}
    for m in _test_metrics(entry):
        column = f"{m.task}@{Path(m.dataset).name}"
        if (column in own) == (m.ground_truth == "labels"):
            found[column] = m
    return found


def columns_of(entry: Entry) -> dict[str, float]:
    """`task@dataset` -> test accuracy (see `column_metrics`)."""
    return {column: m.accuracy for column, m in column_metrics(entry).items()}


def predicted_share(metric: TaskMetrics) -> float:
    """The share of the images given the most-predicted class (confusion columns are predictions)."""
    predicted = np.asarray(metric.confusion).sum(axis=0)
    return float(predicted.max() / predicted.sum()) if predicted.sum() else 0.0


def one_class_runs(table: Table, entries: list[Entry], threshold: float = ONE_CLASS_SHARE):
    """(entry, column, share, accuracy) for each run of the table that gives one class to at least
    `threshold` of a column's images: there its accuracy is that class's share of the truth."""
    for entry in group_members(table.group, entries):
        for column, metric in column_metrics(entry).items():
            share = predicted_share(metric)
            if column in table.columns and share >= threshold:
                yield entry, column, share, metric.accuracy


def is_cross_domain(column: str, entries: list[Entry]) -> bool:
    return not any(column in in_domain_columns(e) for e in entries)


@dataclass
class Table:
    """Rows (method names) x columns (task@dataset) of per-seed values."""

    group: str
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], dict[int, float]]

    def values(self, row: str, column: str) -> list[float]:
        return list(self.cells.get((row, column), {}).values())

    def mean(self, row: str, column: str) -> float | None:
        v = self.values(row, column)
        return float(np.mean(v)) if v else None


def group_members(group: str, entries: list[Entry]) -> list[Entry]:
    """A group's runs, plus the single-task rows of the same suite(s), in suite-file order."""
    suites = {e.suite for e in entries if e.group == group}
    chosen = [e for e in entries if e.group == group or (e.group == SHARED_GROUP and e.suite in suites)]
    return sorted(chosen, key=lambda e: e.position)


def build_table(group: str, entries: list[Entry]) -> Table:
    """The table of one group; single-task rows of its suite are shared by every group of it."""
    members = group_members(group, entries)
    rows, cells = [], defaultdict(dict)
    for entry in members:
        if entry.name not in rows:
            rows.append(entry.name)
        for column, value in columns_of(entry).items():
            cells[(entry.name, column)][entry.seed] = value
    own_columns = {c for e in members if e.group == group for c in columns_of(e)}
    cross = sorted(c for c in own_columns if is_cross_domain(c, members))
    columns = sorted(own_columns - set(cross)) + cross
    return Table(group, rows, columns, dict(cells))


def cell_text(values: list[float], digits: int = 1, count: bool = False) -> str:
    """Accuracy in %: one value as is, several as mean ± sample std (and n when `count`)."""
    if not values:
        return "–"
    if len(values) == 1:
        return f"{100 * values[0]:.{digits}f}"
    n = f" (n={len(values)})" if count else ""
    return f"{100 * np.mean(values):.{digits}f} ± {100 * np.std(values, ddof=1):.{digits}f}{n}"


def mean_ranks(table: Table) -> dict[str, float]:
    """Each row's rank (1 = best) averaged over the columns where it has a value; ties share.

    The oracle is a ceiling, not a competitor: it is not ranked.
    """
    ranks: dict[str, list[float]] = defaultdict(list)
    competitors = [r for r in table.rows if not r.startswith(CEILING)]
    for column in table.columns:
        means = {r: table.mean(r, column) for r in competitors if table.mean(r, column) is not None}
        ordered = sorted(means.values(), reverse=True)
        for row, value in means.items():
            positions = [i + 1 for i, v in enumerate(ordered) if v == value]
            ranks[row].append(float(np.mean(positions)))
    return {row: float(np.mean(r)) for row, r in ranks.items()}


def table_markdown(table: Table, entries: list[Entry]) -> str:
    """Accuracy (%) mean ± std over seeds; cross-domain columns marked with a dagger."""
    ranks = mean_ranks(table)
    members = group_members(table.group, entries)
    heads = [f"{c} †" if is_cross_domain(c, members) else c for c in table.columns]
    lines = ["| method | seeds | " + " | ".join(heads) + " | mean rank |", "|---" * (len(heads) + 3) + "|"]
    for row in table.rows:
        seeds = max((len(table.values(row, c)) for c in table.columns), default=0)
        cells = [cell_text(table.values(row, c)) for c in table.columns]
        rank = f"{ranks[row]:.2f}" if row in ranks else "–"
        lines.append(f"| {row} | {seeds} | " + " | ".join(cells) + f" | {rank} |")
    return "\n".join(lines)


def is_proposed(row: str) -> bool:
    """A row of SA-MTL or of one of its variants ("SA-MTL (hard)", "SA-MTL, 24 epochs")."""
    return row.startswith(PROPOSED)


def best_baseline(table: Table) -> str | None:
    """The non-SA-MTL multi-task row with the highest mean accuracy over the table's columns."""
    candidates = {}
    for row in table.rows:
        if is_proposed(row) or row.startswith(CEILING) or row.split()[0] == SINGLE_TASK:
            continue
        means = [table.mean(row, c) for c in table.columns]
        if all(m is not None for m in means):
            candidates[row] = float(np.mean(means))
    return max(candidates, key=candidates.get) if candidates else None


def paired_difference(table: Table, row: str, other: str) -> dict[str, tuple[float, float, int]]:
    """Per column: mean and std over shared seeds of (row - other), in points, and the seed count."""
    out = {}
    for column in table.columns:
        a, b = table.cells.get((row, column), {}), table.cells.get((other, column), {})
        shared = sorted(set(a) & set(b))
        if shared:
            diffs = [100 * (a[s] - b[s]) for s in shared]
            out[column] = (float(np.mean(diffs)), float(np.std(diffs, ddof=1)) if len(diffs) > 1 else 0.0, len(diffs))
    return out


def gap_closed(table: Table, row: str, floor: str = FLOOR, ceiling: str = CEILING) -> dict[str, str]:
    """(method - All-in-one) / (oracle - All-in-one) per column, mean ± std over paired seeds.

    A column whose oracle - All-in-one difference is within its own seed noise (the mean paired
    difference is not larger than its std) has no gap to close and is not divided by noise.
    `floor` and `ceiling` name the All-in-one and oracle rows of `table`.
    """
    out = {}
    for column in table.columns:
        fractions = gap_fractions(table, row, column, floor, ceiling)
        if fractions is None:
            out[column] = "–"
        elif not fractions:
            out[column] = "no gap to close"
        else:
            spread = f" ± {np.std(fractions, ddof=1):.2f}" if len(fractions) > 1 else ""
            out[column] = f"{np.mean(fractions):.2f}{spread}"
    return out


def gap_fractions(table: Table, row: str, column: str, floor: str = FLOOR,
                  ceiling: str = CEILING) -> list[float] | None:
    """The per-seed gap fractions of one cell; [] when there is no gap to close, None without data."""
    m, a, o = (table.cells.get((r, column), {}) for r in (row, floor, ceiling))
    seeds = sorted(set(m) & set(a) & set(o))
    if not seeds:
        return None
    gaps = np.array([o[s] - a[s] for s in seeds])
    noise = float(np.std(gaps, ddof=1)) if len(gaps) > 1 else 0.01
    if float(np.mean(gaps)) <= noise:
        return []
    return [float((m[s] - a[s]) / (o[s] - a[s])) for s in seeds]


def pseudo_quality(entries: list[Entry]) -> dict[str, dict[str, list[float]]]:
    """Per method and `task@images` key: the last refresh's precision and weight AUROC, per seed."""
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        last: dict[tuple[str, str], dict] = {}
        for record in entry.epochs:  # later refreshes overwrite earlier ones
            for pair, metrics in refresh_diagnostics(record).items():
                last.setdefault(pair, {}).update(metrics)
        for (task, images), metrics in last.items():
            for metric in ("precision", "precision_selected", "coverage", "auroc_weight"):
                if metrics.get(metric) is not None:
                    found[f"{entry.name} [{entry.group}]"][f"{task}@{images}/{metric}"].append(metrics[metric])
    return found
