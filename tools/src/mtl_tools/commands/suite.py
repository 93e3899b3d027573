"""`mtl suite FILE`: run an experiment suite (pipelines/suites/*.yaml) over seeds, resumably."""

from __future__ import annotations

from pathlib import Path

import click

from mtl_tools.errors import UserError


@click.command("suite")
@click.argument("suite_file", type=click.Path(dir_okay=False))
@click.option("--seeds", type=click.IntRange(min=1), help="Seeds 0..N-1 instead of the suite's own.")
@click.option("--quick", is_flag=True, help="The suite's quick variant: runs marked quick, one seed, short epochs.")
@click.option("--runs-dir", default="runs/suites", show_default=True, help="Where run folders go; suites that share a run share its folder.")
@click.option("--records", "records_dir", default="docs/results/runs", show_default=True,
              help="Where each finished run's record (<config hash>.json) goes; recorded runs are skipped.")
@click.option("--data-root", help="Folder of prepared datasets (default: $MTL_DATA, data/benchmark, data).")
@click.option("--only", "groups", multiple=True, help="Only the runs of this group (repeatable), e.g. --only EP --only stl.")
@click.option("--dry-run", is_flag=True, help="List the runs and whether each is recorded; train nothing.")
def command(suite_file, seeds, quick, runs_dir, records_dir, data_root, groups, dry_run) -> None:
    """Train every (run, seed) of SUITE_FILE that has no record yet, and record it.

    A killed suite resumes where it stopped: recorded runs are skipped, a finished run folder is
    recorded, an unfinished one is resumed. Render the results page with
    `mtl compare RECORDS_DIR --page docs/results.md`.
    """
    from facepipelines.suite import execute, load_suite, plan

    try:
        planned = plan(load_suite(suite_file), seeds, quick, tuple(groups), runs_dir)
    except ValueError as err:
        raise UserError(str(err).splitlines()[0]) from None
    records = Path(records_dir)
    if dry_run:
        for i, run in enumerate(planned):
            state = "recorded" if (records / f"{run.hash}.json").is_file() else "to train"
            click.echo(f"[{i + 1}/{len(planned)}] {run.title}: {state} ({run.hash})")
        return
    try:
        paths = execute(planned, Path(runs_dir), records, data_root, echo=lambda m: click.echo(m, err=True))
    except RuntimeError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{len(paths)} run records in {records}")
