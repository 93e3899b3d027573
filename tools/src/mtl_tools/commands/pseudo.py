"""`mtl pseudo RUN_DIR`: how good a run's pseudo-labels were, refresh by refresh.

Reads the `pseudo/<task>/<dataset>/<metric>` entries that every target refresh writes into
metrics.jsonl (coverage, precision of all and of the selected pseudo-labels, AUROC of the weight
and of each factor against correctness; the built-in benchmark's hidden truth makes them
possible), prints them per epoch, and draws precision against weight from the per-sample tables
`pseudo/epoch-NNN-<task>.csv` (a reliability diagram).
"""

from __future__ import annotations

from pathlib import Path

import click

from faceschemas.layouts import RunLayout
from mtl_tools.errors import UserError

COLUMNS = ("count", "coverage", "precision", "precision_selected", "auroc_weight", "auroc_confidence",
           "auroc_density", "auroc_distribution")


@click.command("pseudo")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--plot", type=click.Path(dir_okay=False), help="Reliability diagram PNG (default RUN_DIR/pseudo/reliability.png).")
@click.option("--bins", type=click.IntRange(2, 50), default=10, show_default=True, help="Weight bins of the plot.")
def command(run_dir: str, plot: str | None, bins: int) -> None:
    """Pseudo-label precision, coverage and weight AUROC of RUN_DIR per epoch, and a reliability plot."""
    from mtl_methods.runs import RunFolder

    run = RunFolder(run_dir)
    try:
        run.config()
    except ValueError as err:
        raise UserError(str(err)) from None
    rows = pseudo_rows(run.read_metrics())
    if not rows:
        raise UserError(f"{run_dir}: no pseudo-label diagnostics in {RunLayout.METRICS} (the method makes no "
                        "pseudo-labels, or its datasets have no hidden truth)")
    click.echo(markdown(rows))
    import pseudolabel

    newest = pseudolabel.newest_tables(run.pseudo_tables())
    scored = {task: (path, columns) for task, path in newest.items()
              if (columns := pseudolabel.read_weight_correct(path)) is not None}
    if scored:
        out = Path(plot) if plot else run.pseudo / "reliability.png"
        reliability_plot(scored, out, bins)
        click.echo(f"reliability diagram: {out}", err=True)


def pseudo_rows(records: list[dict]) -> list[dict]:
    """One row per (epoch, task, dataset) of refresh diagnostics, in epoch order."""
    from mtl_methods.runs import refresh_diagnostics

    rows = []
    for record in records:
        found = refresh_diagnostics(record)
        rows += [{"epoch": record["epoch"], "task": t, "dataset": d, **v} for (t, d), v in sorted(found.items())]
    return rows


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and value > 1 else f"{value:.3f}"
    return str(value)


def markdown(rows: list[dict]) -> str:
    """The diagnostics as a markdown table (epochs counted from 1, as the training log)."""
    head = "| epoch | task | images of | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|---" * (len(COLUMNS) + 3) + "|"]
    for row in rows:
        cells = [str(row["epoch"] + 1), row["task"], row["dataset"], *(_fmt(row.get(c)) for c in COLUMNS)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reliability_plot(scored: dict, out: Path, bins: int) -> Path:
    """Precision of the pseudo-labels in each weight bin, one line per task (newest refresh).

    `scored` maps each task to its newest table and that table's (weight, correct) columns.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import pseudolabel

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for task, (path, (weight, correct)) in scored.items():
        cells = [(lo, hi, p) for lo, hi, count, p in pseudolabel.reliability(weight, correct, bins) if count]
        ax.plot([(lo + hi) / 2 for lo, hi, _ in cells], [p for *_, p in cells], marker="o",
                label=f"{task}, epoch {int(path.stem.split('-')[1]) + 1}")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="precision = weight")
    ax.set(xlabel="pseudo-label weight", ylabel="precision (hidden truth)", xlim=(0, 1), ylim=(0, 1.02),
           title="Pseudo-label precision against weight")
    ax.legend(fontsize="small")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
