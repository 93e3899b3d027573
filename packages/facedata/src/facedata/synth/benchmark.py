"""`build_benchmark`: render the four synthetic datasets and prepare them like real ones.

Output layout under `out_dir`:
    raw/<dataset>/           the raw release (images, labels.csv, truth.csv)
    <dataset>/               TFRecords + manifest.json from the Beam pipeline (own task only)
    hidden_truth/<dataset>.jsonl   every sample's clean attributes (never in the records)
    benchmark.json           written last: what was built, for the cache check
    raw_full/, full_labels/  only with `full_labels`: every task labelled (`full_labels.py`)
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from facedata.synth.domains import domain_names, get_domain
from facedata.synth.full_labels import build_full_labels
from facedata.synth.raw import LABEL_NOISE, write_raw_dataset
from facedata.synth.truth import (
    hidden_truth_path,
    relative_truth_path,
    write_hidden_truth,
)
from faceschemas.layouts import BenchmarkLayout, DatasetLayout
from faceschemas.manifest import DatasetManifest

# Bump whenever rendering, priors or noise change: cached benchmarks are then rebuilt.
GENERATOR_VERSION = 6


def dataset_sizes(scale: float) -> dict[str, int]:
    """Images per dataset at `scale` (13.6k in all at scale 1; scale 7.5 gives about 100k)."""
    if scale <= 0:
        raise ValueError(f"--scale must be positive, got {scale}")
    return {name: max(20, round(get_domain(name).base_size * scale)) for name in domain_names()}


def _stamp(scale: float, seed: int, image_size: int) -> dict:
    return {"generator_version": GENERATOR_VERSION, "scale": scale, "seed": seed,
            "image_size": image_size, "label_noise": LABEL_NOISE, "datasets": dataset_sizes(scale)}


def _load_manifests(out: Path) -> dict[str, DatasetManifest]:
    return {name: DatasetManifest.model_validate_json((out / name / DatasetLayout.MANIFEST).read_text())
            for name in domain_names()}


def _cached(out: Path, stamp: dict) -> dict[str, DatasetManifest] | None:
    path = out / BenchmarkLayout.STAMP
    if not path.is_file() or json.loads(path.read_text()) != stamp:
        return None
    try:
        return _load_manifests(out)
    except (OSError, ValueError):
        return None


def _clear(out: Path) -> None:
    # Only our own sub-folders are removed, and only from a folder that is ours or empty.
    # The full-label copies derive from the released sets, so a rebuild of those removes them too.
    layout = BenchmarkLayout
    ours = {layout.STAMP, layout.RAW, layout.HIDDEN_TRUTH, layout.FULL_LABELS, layout.RAW_FULL, *domain_names()}
    foreign = [p.name for p in out.iterdir() if p.name not in ours] if out.is_dir() else []
    if foreign and not (out / BenchmarkLayout.STAMP).exists():
        raise ValueError(f"{out} holds other files ({', '.join(sorted(foreign)[:3])}); "
                         "give `--out` an empty or benchmark folder")
    for name in ours:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _build_one(out: Path, name: str, count: int, *, seed: int, image_size: int,
               beam_args: list[str] | None) -> DatasetManifest:
    from facedata.pipeline import prepare

    start = time.perf_counter()
    rows = write_raw_dataset(out / BenchmarkLayout.RAW / name, get_domain(name), count, seed=seed, image_size=image_size)
    write_hidden_truth(hidden_truth_path(out, name), rows)
    rendered = time.perf_counter()
    manifest = prepare("synth", out / BenchmarkLayout.RAW / name, out, dataset_name=name, image_size=image_size,
                       split_seed=seed, beam_args=beam_args, adapter_options={"dataset_name": name},
                       hidden_truth_path=relative_truth_path(out / name, out, name))
    done = time.perf_counter()
    print(f"synth: {name}: {count} images rendered in {rendered - start:.1f}s, "
          f"prepared in {done - rendered:.1f}s", flush=True)
    return manifest


def build_benchmark(out_dir: str | Path, *, scale: float = 1.0, seed: int = 0, image_size: int = 64,
                    beam_args: list[str] | None = None, force: bool = False,
                    full_labels: bool = False) -> dict[str, DatasetManifest]:
    """Builds (or reuses) the synthetic benchmark in `out_dir`; returns its manifests by name.

    A folder that already holds a complete benchmark of the same scale, seed, image size and
    generator version is returned as is, unless `force`. With `full_labels` the four datasets
    are also written with every task labelled into `full_labels/<dataset>/` (added to a cached
    benchmark without rebuilding it; `facedata.synth.full_labels`). The released sets are the
    same bytes either way.
    """
    out, stamp = Path(out_dir), _stamp(scale, seed, image_size)
    manifests = None if force else _cached(out, stamp)
    if manifests is not None:
        print(f"synth: {out} already holds this benchmark (seed {seed}, scale {scale}); reusing it")
    else:
        manifests = _build_released(out, stamp, beam_args)
    if full_labels:
        build_full_labels(out, stamp, beam_args=beam_args, force=force)
    return manifests


def _build_released(out: Path, stamp: dict, beam_args: list[str] | None) -> dict[str, DatasetManifest]:
    if stamp["image_size"] < 32:
        raise ValueError(f"--image-size must be at least 32, got {stamp['image_size']}")
    _clear(out)
    out.mkdir(parents=True, exist_ok=True)
    manifests = {name: _build_one(out, name, count, seed=stamp["seed"], image_size=stamp["image_size"],
                                  beam_args=beam_args) for name, count in stamp["datasets"].items()}
    (out / BenchmarkLayout.STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    return manifests
