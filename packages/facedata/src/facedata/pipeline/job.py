"""`prepare` and `run(argv)`: build the Beam graph, run it, write the manifest, publish."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from facedata.images import MAX_PIXELS
from facedata.job_options import check_job_options
from facedata.pipeline import publish
from facedata.pipeline.dofns import NAMESPACE, QUARANTINE, ImageOptions
from facedata.pipeline.transforms import (
    CountPerSplit,
    DropDuplicateContent,
    DropDuplicates,
    MakeExamples,
    ReadRecords,
    WriteQuarantine,
    WriteShards,
)
from faceschemas.layouts import DatasetLayout
from faceschemas.manifest import DatasetManifest, ImageSpec

log = logging.getLogger("facedata")
RECORDS_PER_SHARD = 4096
IN_MEMORY = ["--runner=DirectRunner", "--direct_running_mode=in_memory", "--direct_num_workers=1"]


class QuarantineNotEmpty(RuntimeError):
    """`strict=True` and the job quarantined records; the quarantine file is kept beside the output."""


def multi_process_args(workers: int | None = None) -> list[str]:
    """DirectRunner options for one worker process per core (the CLI default)."""
    n = workers or os.cpu_count() or 1
    return ["--runner=DirectRunner", "--direct_running_mode=multi_processing", f"--direct_num_workers={n}"]


def build_pipeline(p: beam.Pipeline, *, adapter, build_dir: Path, image: ImageOptions,
                   num_shards: int | None) -> None:
    """Adds every step of the job to `p`; `adapter` is the job's one SourceAdapter."""
    tasks = adapter.tasks
    read = p | "ReadRecords" >> ReadRecords(adapter)
    split_counts = read["records"] | "CountPerSplit" >> CountPerSplit(image)
    unique = read["records"] | "DropDuplicates" >> DropDuplicates()
    made = unique.records | "MakeExamples" >> MakeExamples(image)
    quarantines = (read[QUARANTINE], unique[QUARANTINE], made[QUARANTINE])
    examples = made.examples
    if image.dedupe_content:
        distinct = examples | "DropDuplicateContent" >> DropDuplicateContent()
        examples, quarantines = distinct.examples, (*quarantines, distinct[QUARANTINE])
    _ = examples | "WriteShards" >> WriteShards(str(build_dir), tasks, num_shards, RECORDS_PER_SHARD, split_counts)
    _ = quarantines | "WriteQuarantine" >> WriteQuarantine(str(build_dir / DatasetLayout.QUARANTINE))


def _log_counters(result) -> None:
    try:
        counters = result.metrics().query(beam.metrics.MetricsFilter().with_namespace(NAMESPACE))["counters"]
    except Exception:  # some runners do not report metrics; the manifest has the numbers anyway
        return
    for counter in sorted(counters, key=lambda c: c.key.metric.name):
        log.info("counter %s = %s", counter.key.metric.name, counter.committed)


@contextlib.contextmanager
def job_temp_dir() -> Iterator[Path]:
    """A private temporary folder for the runner's scratch files (`beam-temp*`, ...), removed after.

    Beam's DirectRunner leaves an empty `beam-temp*` folder (and `tmp*` ones) in the temp
    directory on every run; pointing `tempfile` and the workers' TMPDIR here collects them.
    """
    folder = Path(tempfile.mkdtemp(prefix="facedata-job-"))
    saved_tempdir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = str(folder), str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(folder, ignore_errors=True)


def prepare(source, input_dir, output_root, *, dataset_name: str | None = None, image_size: int = 64,
            grayscale: bool = False, strict: bool = False, num_shards: int | None = None, split_seed: int = 0,
            split_fractions=(0.8, 0.1, 0.1), encoding: str = "jpeg", beam_args: list[str] | None = None,
            adapter_options: dict | None = None, max_pixels: int = MAX_PIXELS,
            dedupe_content: bool = True, hidden_truth_path: str | None = None) -> DatasetManifest:
    """Preprocesses the raw dataset at `input_dir` into `<output_root>/<dataset_name or source>/`.

    Raises LayoutError (before any work) when `input_dir` is not in the adapter's layout,
    ValueError for impossible options, and QuarantineNotEmpty when `strict` and records were
    quarantined (nothing is published then). Images whose header announces more than
    `max_pixels` are quarantined as image_too_large; with `dedupe_content` byte-identical images
    are quarantined as duplicate_content. `hidden_truth_path` (relative to the published dataset
    folder) goes into the manifest, so the manifest is final when it is published. The default
    runner is the in-memory DirectRunner; pass `beam_args` for any other.

    `source` is a format name, or the adapter that the caller already built on `input_dir` and
    checked (`mtl data prepare` does, before Beam loads): the job builds no second one.
    """
    from facedata import __version__
    from facedata.sources import get_source

    check_job_options(image_size=image_size, num_shards=num_shards, max_pixels=max_pixels)
    options = dict(adapter_options or {})
    if isinstance(source, str):
        adapter = get_source(source)(Path(input_dir).resolve(), **options)
        adapter.check_layout()
    else:
        adapter, options = source, dict(source.options)
    source = adapter.name
    name = dataset_name or source
    output_root = Path(output_root)
    for stale in publish.remove_stale_builds(output_root, name):
        log.info("note: removed %s, left by an interrupted job", stale)
    build_dir = publish.fresh_build_dir(output_root, name)
    image = ImageOptions(size=image_size, channels=1 if grayscale else 3, encoding=encoding,
                         detect=bool(getattr(adapter, "detect_faces", False)), split_seed=split_seed,
                         split_fractions=tuple(split_fractions), max_pixels=max_pixels,
                         root=str(Path(input_dir).resolve()), dedupe_content=dedupe_content)
    log.info("preparing %s from %s into %s", source, input_dir, output_root / name)
    try:
        with job_temp_dir(), beam.Pipeline(
                options=PipelineOptions(beam_args if beam_args is not None else IN_MEMORY)) as p:
            build_pipeline(p, adapter=adapter, build_dir=build_dir, image=image, num_shards=num_shards)
        _log_counters(p.result)
        job_options = {"image_size": image_size, "grayscale": grayscale, "encoding": encoding,
                       "split_seed": split_seed, "split_fractions": ",".join(map(str, split_fractions)),
                       "max_pixels": max_pixels, "dedupe_content": dedupe_content,
                       **{f"adapter.{k}": _scalar(v) for k, v in sorted(options.items())}}
        manifest = publish.build_manifest(
            build_dir, name=name, source=source, tasks=adapter.tasks,
            image=ImageSpec(height=image_size, width=image_size, channels=image.channels, encoding=encoding),
            options=job_options, version=__version__).model_copy(update={"hidden_truth_path": hidden_truth_path})
        if strict and manifest.quarantined:
            kept = output_root / f"{name}.{DatasetLayout.QUARANTINE}"
            shutil.copyfile(build_dir / DatasetLayout.QUARANTINE, kept)
            raise QuarantineNotEmpty(
                f"--strict: {manifest.quarantined} records quarantined ({_reasons(manifest)}); see {kept}")
        publish.write_manifest(build_dir, manifest)
        publish.publish(build_dir, output_root / name)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    return manifest


def _scalar(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _reasons(manifest: DatasetManifest) -> str:
    return ", ".join(f"{k}: {v}" for k, v in manifest.quarantine_reasons.items())


def run(argv: list[str] | None = None) -> DatasetManifest:
    """Command-line entry point: `python -m facedata.pipeline.job SOURCE --input --output [beam args]`."""
    parser = argparse.ArgumentParser(description=run.__doc__)
    parser.add_argument("source")
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--grayscale", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args, beam_args = parser.parse_known_args(argv)
    return prepare(args.source, args.input, args.output, image_size=args.image_size, grayscale=args.grayscale,
                   strict=args.strict, beam_args=beam_args or multi_process_args())


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run()
