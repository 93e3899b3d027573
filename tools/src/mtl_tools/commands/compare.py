"""`mtl compare`: a markdown table of finished runs (mean ± spread over seeds), a bar chart, and
the results page of a suite (`--page docs/results.md`) from run folders or run records."""

from __future__ import annotations

from pathlib import Path

import click

from faceschemas.layouts import RunLayout
from mtl_tools.checks import require_run_folder
from mtl_tools.errors import UserError


def _is_record_source(path: str) -> bool:
    p = Path(path)
    return (p.is_file() and p.suffix == ".json") or (p.is_dir() and not (p / RunLayout.CONFIG).exists())


@click.command("compare")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path())
@click.option("--chart", default="compare.png", show_default=True, help="Bar chart PNG to write.")
@click.option("--page", type=click.Path(dir_okay=False),
              help="Write the full results page (tables, ranks, paired differences, pseudo-label quality, figures).")
def command(run_dirs: tuple[str, ...], chart: str, page: str | None) -> None:
    """Compare RUN_DIRS (run folders, run records, or folders of records).

    Without --page: rows are methods, columns per-task test accuracy per dataset (in-domain, and
    cross-domain from the hidden truth), and the gap closed when an oracle run is given. With
    --page: the suite's results page, one table per suite group, rendered from the runs alone.
    """
    for run_dir in run_dirs:
        if not _is_record_source(run_dir):
            require_run_folder(run_dir)
    entries = _entries(run_dirs)
    if page:
        from mtl_methods.results_page import render

        click.echo(f"results page: {render(entries, Path(page))}")
        return
    from mtl_methods.compare import comparison_chart, markdown_table

    click.echo(markdown_table(entries))
    click.echo(f"chart: {comparison_chart(entries, chart)}", err=True)


def _entries(sources: tuple[str, ...]):
    from pydantic import ValidationError

    from mtl_methods.results import load_entries

    try:
        entries = load_entries(sources)
    except (ValueError, ValidationError, FileNotFoundError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    if not entries:
        raise UserError(f"{', '.join(sources)}: no finished runs or run records")
    return entries
