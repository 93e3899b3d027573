"""`mtl compare`: a markdown table of finished runs (mean ± spread over seeds) and a bar chart."""

from __future__ import annotations

import click

from mtl_tools.checks import require_run_folder
from mtl_tools.errors import UserError


@click.command("compare")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--chart", default="compare.png", show_default=True, help="Bar chart PNG to write.")
def command(run_dirs: tuple[str, ...], chart: str) -> None:
    """Compare RUN_DIRS: rows are methods, columns per-task test accuracy per dataset."""
    for run_dir in run_dirs:
        require_run_folder(run_dir)
    from mtl_methods.compare import bar_chart, load_runs, markdown_table

    try:
        loaded = load_runs(run_dirs)
    except (ValueError, FileNotFoundError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    click.echo(markdown_table(loaded))
    click.echo(f"chart: {bar_chart(loaded, chart)}", err=True)
