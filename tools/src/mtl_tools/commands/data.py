"""`mtl data`: prepare raw face datasets into TFRecords and inspect prepared ones.

A group: more subcommands (e.g. `mtl data synth`) attach with `@command.command(...)` in their
own module or below, without touching `prepare` and `inspect`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from faceschemas.datasets import canonical_dataset_name
from mtl_tools.checks import require_prepared_dataset, require_writable_folder
from mtl_tools.errors import UserError

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": False}


@click.group("data")
def command() -> None:
    """Prepare raw datasets into sharded TFRecords, and inspect prepared datasets."""


def _beam_args(extra: tuple[str, ...], workers: int | None) -> list[str]:
    """Beam options: the user's after `--`; DirectRunner multi-processing unless a runner is given."""
    from facedata.pipeline.job import multi_process_args

    if any(a.startswith("--runner") for a in extra):
        return list(extra)
    return multi_process_args(workers) + list(extra)


def _parse_options(pairs: tuple[str, ...]) -> dict:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UserError(f"--option {pair!r}: expected KEY=VALUE, e.g. --option contempt=disgust")
        lowered = value.lower()
        options[key] = {"true": True, "false": False}.get(lowered, value)
    return options


def _progress_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("progress: %(message)s"))
    log = logging.getLogger("facedata")
    log.setLevel(logging.INFO)
    log.handlers = [h for h in log.handlers if not getattr(h, "_mtl_progress", False)]
    handler._mtl_progress = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.propagate = False


@command.command("prepare", context_settings=_PASS_THROUGH)
@click.argument("dataset")
@click.option("--input", "input_dir", required=True, type=click.Path(file_okay=False), help="Raw dataset folder.")
@click.option("--output", "output_root", required=True, type=click.Path(file_okay=False),
              help="Output root; the dataset goes to OUTPUT/<name>/.")
@click.option("--name", help="Dataset folder name (default: DATASET).")
@click.option("--image-size", default=64, show_default=True, type=int, help="Square crop size in pixels.")
@click.option("--grayscale", is_flag=True, help="Store 1-channel crops.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) if any record was quarantined.")
@click.option("--num-shards", type=int, help="Shards per split (default: about 4096 records each).")
@click.option("--split-seed", default=0, show_default=True, type=int, help="Seed of hashed splits.")
@click.option("--encoding", type=click.Choice(["jpeg", "png"]), default="jpeg", show_default=True)
@click.option("--workers", type=int, help="DirectRunner worker processes (default: one per core).")
@click.option("--max-pixels", type=int,
              help="Quarantine images whose header announces more pixels (image_too_large; default 50 million).")
@click.option("--dedupe-content/--keep-duplicate-content", default=True, show_default=True,
              help="Quarantine byte-identical images under other names (duplicate_content).")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="Adapter option, e.g. contempt=disgust (ferplus), task=age (imagefolder), detect=true.")
@click.argument("beam_options", nargs=-1, type=click.UNPROCESSED)
def prepare_command(dataset: str, input_dir: str, output_root: str, name: str | None, image_size: int,
                    grayscale: bool, strict: bool, num_shards: int | None, split_seed: int, encoding: str,
                    workers: int | None, max_pixels: int | None, dedupe_content: bool, options: tuple[str, ...],
                    beam_options: tuple[str, ...]) -> None:
    """Preprocess the raw DATASET at --input into sharded TFRecords under --output.

    DATASET is a format name (fer2013, fer2013_folders, ferplus, expw, sfew, aflw, adience,
    imdb_wiki, celeba, chalearn_lap, utkface, imagefolder, csv). Beam options go after `--`
    (e.g. `-- --runner=DataflowRunner --project=P --region=R --temp_location=gs://B/tmp`).
    """
    from facedata.job_options import DEFAULT_MAX_PIXELS, check_job_options
    from facedata.sources import LayoutError, get_source

    max_pixels = DEFAULT_MAX_PIXELS if max_pixels is None else max_pixels
    try:
        check_job_options(image_size=image_size, num_shards=num_shards, max_pixels=max_pixels, workers=workers)
    except ValueError as err:
        raise UserError(str(err)) from None
    source = canonical_dataset_name(dataset)
    try:
        adapter_class = get_source(source)
    except ValueError as err:
        raise UserError(str(err)) from None
    if not Path(input_dir).is_dir():
        raise UserError(f"--input {input_dir}: no such folder")
    try:  # before Beam is imported: a wrong --input is reported at once, alone
        adapter = adapter_class(Path(input_dir).resolve(), **_parse_options(options))
        adapter.check_layout()
    except (LayoutError, ValueError, TypeError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    require_writable_folder(output_root, "--output")
    from facedata.pipeline import QuarantineNotEmpty, prepare

    _progress_logging()
    try:
        manifest = prepare(adapter, input_dir, output_root, dataset_name=name, image_size=image_size,
                           grayscale=grayscale, strict=strict, num_shards=num_shards, split_seed=split_seed,
                           encoding=encoding, beam_args=_beam_args(beam_options, workers),
                           max_pixels=max_pixels, dedupe_content=dedupe_content)
    except (LayoutError, ValueError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    except QuarantineNotEmpty as err:
        raise click.ClickException(str(err)) from None
    _print_summary(manifest, Path(output_root) / (name or source))


def _print_summary(manifest, folder: Path) -> None:
    written = sum(s.count for s in manifest.splits.values())
    click.echo(f"read {written + manifest.quarantined} records from {manifest.source_format}")
    for split, stats in manifest.splits.items():
        click.echo(f"written {split}: {stats.count}")
    click.echo(f"quarantined: {manifest.quarantined}")
    for reason, count in manifest.quarantine_reasons.items():
        click.echo(f"  {reason}: {count}")
    click.echo(f"dataset: {folder}")


@command.command("inspect")
@click.argument("dataset_dir", type=click.Path(file_okay=False))
@click.option("--check", is_flag=True, help="Re-read the shards and flag anomalies (exit 1 if any).")
@click.option("--out", "--sheet", "sheet", type=click.Path(dir_okay=False),
              help="Contact sheet PNG (default: <name>-sheet.png beside the dataset folder).")
@click.option("--no-sheet", is_flag=True, help="Do not write a contact sheet.")
@click.option("--per-class", default=8, show_default=True, type=int, help="Faces per class on the sheet.")
def inspect_command(dataset_dir: str, check: bool, sheet: str | None, no_sheet: bool, per_class: int) -> None:
    """Summary, class histograms per split, a contact sheet, and (--check) anomaly checks."""
    require_prepared_dataset(dataset_dir)
    from facedata import inspection
    from facedata.reader import read_manifest

    try:
        manifest = read_manifest(dataset_dir)
    except (FileNotFoundError, ValueError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    for line in inspection.summary_lines(manifest) + inspection.histogram_lines(manifest):
        click.echo(line)
    if not no_sheet:
        default = Path(dataset_dir).resolve().parent / f"{manifest.name}-sheet.png"
        path = inspection.contact_sheet(dataset_dir, sheet or default, per_class=per_class)
        click.echo(f"contact sheet: {path}")
    if check:
        anomalies = inspection.check(dataset_dir)
        for anomaly in anomalies:
            click.echo(f"anomaly {anomaly}")
        click.echo(f"check: {len(anomalies)} anomalies")
        if anomalies:
            raise click.ClickException(f"{len(anomalies)} anomalies found in {dataset_dir}")


@command.command("synth")
@click.option("--out", "out_dir", default="data/benchmark", show_default=True, type=click.Path(file_okay=False),
              help="Folder of the benchmark (raw/, one folder per dataset, hidden_truth/).")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Size multiplier: 1 is about 13.6k images, 7.5 about 100k.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, byte-identical shards.")
@click.option("--image-size", default=64, show_default=True, type=click.IntRange(min=32), help="Crop size.")
@click.option("--force", is_flag=True, help="Rebuild even if the folder already holds this benchmark.")
@click.option("--full-labels", is_flag=True,
              help="Also write every dataset with all five (noisy) labels into <out>/full_labels/ "
                   "(the oracle); added to a cached benchmark without rebuilding it.")
@click.argument("beam_options", nargs=-1, type=click.UNPROCESSED)
def synth_command(out_dir: str, scale: float, seed: int, image_size: int, force: bool,
                  full_labels: bool, beam_options: tuple[str, ...]) -> None:
    """Render the built-in benchmark: four disjoint synthetic face datasets with hidden truth.

    An ExpW-like set labels emotion, an AFLW-like set pose, an Adience-like set age and gender,
    a CelebA-like set smile; each differs in domain and priors. Cached: a folder that already
    holds the same benchmark is reused. With --full-labels the same images, ids and splits are
    also written with every task labelled (same 10 % label noise) into <out>/full_labels/.
    """
    from facedata.synth import build_benchmark

    try:
        manifests = build_benchmark(out_dir, scale=scale, seed=seed, image_size=image_size,
                                    beam_args=list(beam_options) or None, force=force,
                                    full_labels=full_labels)
    except (ValueError, FileNotFoundError) as err:
        raise UserError(str(err).splitlines()[0]) from None
    for name, manifest in manifests.items():
        counts = ", ".join(f"{split} {stats.count}" for split, stats in manifest.splits.items())
        click.echo(f"{name:14s} labels {'+'.join(manifest.tasks):11s} {counts}")
    if full_labels:
        click.echo(f"full labels: {Path(out_dir) / 'full_labels'} (every task, same images and splits)")
    click.echo(f"benchmark: {out_dir}")
