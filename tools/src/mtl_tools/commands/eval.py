"""`mtl eval`: score a finished run on its datasets (or others) and write report.json."""

from __future__ import annotations

import os

import click

from faceschemas.layouts import RunLayout
from mtl_tools.checks import require_run_folder
from mtl_tools.errors import UserError


@click.command("eval")
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--data", multiple=True, help="Dataset name or prepared folder (repeatable; default: the run's).")
@click.option("--data-root", help="Folder of prepared datasets (default: $MTL_DATA, data/benchmark, data).")
@click.option("--split", default="test", show_default=True, help="Split to score (never used for selection).")
@click.option("--trust-model", is_flag=True,
              help="Load the run's model even if its layers carry Python code (Lambda, custom classes).")
def command(run_dir: str, data: tuple[str, ...], data_root: str | None, split: str, trust_model: bool) -> None:
    """Evaluate RUN_DIR's model; on the built-in benchmark every task is scored on every dataset
    from the hidden ground truth (in-domain and cross-domain)."""
    require_run_folder(run_dir)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from facemodels.saving import trusted_models
    from mtl_tools import wiring

    try:
        with trusted_models(trust_model):  # the run's model file is refused if it carries code
            run, report = wiring.evaluate_run(run_dir, data, data_root, split)
    except (ValueError, FileNotFoundError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    for m in report.metrics:
        if m.split == split:
            extra = f" mae={m.mae_years:.2f}y" if m.mae_years is not None else ""
            click.echo(f"{m.ground_truth:6s} {m.task:8s} {m.dataset:20s} acc={m.accuracy:.4f} "
                       f"mean-class={m.mean_class_accuracy:.4f} n={m.count}{extra}")
    click.echo(str(run.path / RunLayout.REPORT))
