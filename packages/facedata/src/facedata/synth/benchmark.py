"""`build_benchmark`: render the four synthetic datasets and prepare them like real ones.

Output layout under `out_dir`:
    raw/<dataset>/           the raw release (images, labels.csv, truth.csv)
    <dataset>/               TFRecords + manifest.json from the Beam pipeline (own task only)
    hidden_truth/<dataset>.jsonl   every sample's clean attributes (never in the records)
    benchmark.json           written last: what was built, for the cache check
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from facedata.synth.domains import domain_names, get_domain
from facedata.synth.raw import LABEL_NOISE, write_raw_dataset
from facedata.synth.truth import HIDDEN_TRUTH_DIR, hidden_truth_path, write_hidden_truth
from faceschemas.manifest import DatasetManifest

# Bump whenever rendering, priors or noise change: cached benchmarks are then rebuilt.
GENERATOR_VERSION = 6
STAMP_FILE = "benchmark.json"


def dataset_sizes(scale: float) -> dict[str, int]:
    """Images per dataset at `scale` (13.6k in all at scale 1; scale 7.5 gives about 100k)."""
    if scale <= 0:
        raise ValueError(f"--scale must be positive, got {scale}")
    return {name: max(20, round(get_domain(name).base_size * scale)) for name in domain_names()}


def _stamp(scale: float, seed: int, image_size: int) -> dict:
    return {"generator_version": GENERATOR_VERSION, "scale": scale, "seed": seed,
            "image_size": image_size, "label_noise": LABEL_NOISE, "datasets": dataset_sizes(scale)}


def _load_manifests(out: Path) -> dict[str, DatasetManifest]:
    return {name: DatasetManifest.model_validate_json((out / name / "manifest.json").read_text())
            for name in domain_names()}


def _cached(out: Path, stamp: dict) -> dict[str, DatasetManifest] | None:
    path = out / STAMP_FILE
    if not path.is_file() or json.loads(path.read_text()) != stamp:
        return None
    try:
        return _load_manifests(out)
    except (OSError, ValueError):
        return None


def _clear(out: Path) -> None:
    # Only our own sub-folders are removed, and only from a folder that is ours or empty.
    ours = {STAMP_FILE, "raw", HIDDEN_TRUTH_DIR, *domain_names()}
    foreign = [p.name for p in out.iterdir() if p.name not in ours] if out.is_dir() else []
    if foreign and not (out / STAMP_FILE).exists():
        raise ValueError(f"{out} holds other files ({', '.join(sorted(foreign)[:3])}); "
                         "give `--out` an empty or benchmark folder")
    for name in ours:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _attach_truth(dataset_dir: Path, name: str) -> DatasetManifest:
    """Points the manifest at the hidden truth (relative path), rewriting it atomically."""
    path = dataset_dir / "manifest.json"
    manifest = DatasetManifest.model_validate_json(path.read_text())
    relative = os.path.relpath(hidden_truth_path(dataset_dir.parent, name), dataset_dir)
    manifest = manifest.model_copy(update={"hidden_truth_path": relative})
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n")
    os.replace(tmp, path)
    return manifest


def _build_one(out: Path, name: str, count: int, *, seed: int, image_size: int,
               beam_args: list[str] | None) -> DatasetManifest:
    from facedata.pipeline import prepare

    start = time.perf_counter()
    rows = write_raw_dataset(out / "raw" / name, get_domain(name), count, seed=seed, image_size=image_size)
    write_hidden_truth(hidden_truth_path(out, name), rows)
    rendered = time.perf_counter()
    prepare("synth", out / "raw" / name, out, dataset_name=name, image_size=image_size,
            split_seed=seed, beam_args=beam_args, adapter_options={"dataset_name": name})
    manifest = _attach_truth(out / name, name)
    done = time.perf_counter()
    print(f"synth: {name}: {count} images rendered in {rendered - start:.1f}s, "
          f"prepared in {done - rendered:.1f}s", flush=True)
    return manifest


def build_benchmark(out_dir: str | Path, *, scale: float = 1.0, seed: int = 0, image_size: int = 64,
                    beam_args: list[str] | None = None, force: bool = False) -> dict[str, DatasetManifest]:
    """Builds (or reuses) the synthetic benchmark in `out_dir`; returns its manifests by name.

    A folder that already holds a complete benchmark of the same scale, seed, image size and
    generator version is returned as is, unless `force`.
    """
    out, stamp = Path(out_dir), _stamp(scale, seed, image_size)
    if not force and (cached := _cached(out, stamp)) is not None:
        print(f"synth: {out} already holds this benchmark (seed {seed}, scale {scale}); reusing it")
        return cached
    if image_size < 32:
        raise ValueError(f"--image-size must be at least 32, got {image_size}")
    _clear(out)
    out.mkdir(parents=True, exist_ok=True)
    manifests = {name: _build_one(out, name, count, seed=seed, image_size=image_size, beam_args=beam_args)
                 for name, count in stamp["datasets"].items()}
    (out / STAMP_FILE).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    return manifests
