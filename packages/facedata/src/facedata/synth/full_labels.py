"""Full-label ("oracle") copies of the benchmark datasets: every task labelled, same label noise.

The ceiling of the benchmark: a model trained on these copies sees every task on every image,
so no multi-task method trained on the disjoint releases should beat it. To keep the ceiling
honest the copies carry the same 10 % annotation noise as the releases (`raw.LABEL_NOISE`):

- the task(s) a dataset releases keep exactly the released (noisy) label, and `synth_aflw` its
  released noisy yaw, so the oracle sees what every other method sees for those;
- every other task's label is drawn from the clean hidden truth with `raw._noisy`, and the yaw of
  the other three datasets gets `raw.YAW_NOISE_DEG` of Gaussian noise, all from the per-sample
  stream `[seed, dataset_id, index, ORACLE_STREAM]`, which is independent of the released draws
  (stream 1), so the released labels are untouched.

Layout under the benchmark folder:
    raw_full/<dataset>/       labels.csv with every task column; images/ hard links to raw/<dataset>/
    full_labels/<dataset>/    TFRecords + manifest.json from the same Beam pipeline; the manifest
                              has the released name and points at hidden_truth/<dataset>.jsonl
    full_labels/benchmark.json   written last: the released stamp plus FULL_LABELS_VERSION
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np

from facedata.synth.domains import Domain, domain_names, get_domain
from facedata.synth.raw import YAW_NOISE_DEG, _noisy, _write_csv
from facedata.synth.truth import load_hidden_truth, relative_truth_path
from faceschemas.layouts import BenchmarkLayout, DatasetLayout
from faceschemas.manifest import DatasetManifest
from faceschemas.tasks import TASKS

# Bump whenever the oracle labels change: cached full-label copies are then rebuilt.
FULL_LABELS_VERSION = 1
ORACLE_STREAM = 2  # raw.make_sample draws the released noise from stream 1


def full_labels_path(root: str | Path, dataset: str) -> Path:
    """Where the full-label copy of `dataset` lives in a benchmark folder `root`."""
    return Path(root) / BenchmarkLayout.FULL_LABELS / dataset


def sample_index(sample_id: str) -> int:
    """The index of a sample from its id (`raw.sample_id`: `<dataset>-NNNNNN`)."""
    return int(sample_id.rsplit("-", 1)[1])


def oracle_labels(seed: int, domain: Domain, truth_row: dict) -> dict:
    """All five labels (and yaw) of one sample: released ones kept, the others noised afresh."""
    rng = np.random.default_rng([seed, domain.dataset_id, sample_index(truth_row["sample_id"]), ORACLE_STREAM])
    released, clean = truth_row["released"], truth_row["labels"]
    out = {task: released[task] if task in domain.tasks else _noisy(rng, clean[task], spec.num_classes)
           for task, spec in TASKS.items()}
    if "yaw" in released:
        out["yaw"] = released["yaw"]
    else:
        out["yaw"] = round(truth_row["values"]["yaw"] + float(rng.normal(0.0, YAW_NOISE_DEG)), 2)
    return out


def _link(src: Path, dst: Path) -> None:
    # A hard link is a plain file inside the raw folder (the adapter refuses paths that leave it)
    # and costs no space; a copy is the fallback where the file system has no hard links.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def write_full_raw(out: Path, name: str, seed: int) -> Path:
    """Writes `raw_full/<name>/`: every task column, the released ids, files and splits."""
    domain, released_root = get_domain(name), out / BenchmarkLayout.RAW / name
    root = out / BenchmarkLayout.RAW_FULL / name
    if root.exists():
        shutil.rmtree(root)
    (root / BenchmarkLayout.RAW_IMAGES).mkdir(parents=True)
    truth = load_hidden_truth(name, root=out)
    with open(released_root / BenchmarkLayout.RAW_LABELS, newline="") as src:
        released_rows = list(csv.DictReader(src))
    rows = []
    for row in released_rows:
        _link(released_root / row["file"], root / row["file"])
        rows.append({**{k: row[k] for k in ("sample_id", "file", "split")},
                     **oracle_labels(seed, domain, truth[row["sample_id"]])})
    _write_csv(root / BenchmarkLayout.RAW_LABELS, ["sample_id", "file", "split", *TASKS, "yaw"], rows)
    return root


def _build_one(out: Path, name: str, *, seed: int, image_size: int,
               beam_args: list[str] | None) -> DatasetManifest:
    from facedata.pipeline import prepare

    start = time.perf_counter()
    raw = write_full_raw(out, name, seed)
    manifest = prepare("synth", raw, out / BenchmarkLayout.FULL_LABELS, dataset_name=name, image_size=image_size,
                       split_seed=seed, beam_args=beam_args, adapter_options={"dataset_name": name},
                       hidden_truth_path=relative_truth_path(full_labels_path(out, name), out, name))
    print(f"synth: {name}: full-label copy prepared in {time.perf_counter() - start:.1f}s", flush=True)
    return manifest


def load_full_label_manifests(root: str | Path) -> dict[str, DatasetManifest]:
    """The manifests of the full-label copies in benchmark folder `root`, by dataset name."""
    return {name: DatasetManifest.model_validate_json((full_labels_path(root, name) / DatasetLayout.MANIFEST).read_text())
            for name in domain_names()}


def _cached(out: Path, stamp: dict) -> dict[str, DatasetManifest] | None:
    path = out / BenchmarkLayout.FULL_LABELS / BenchmarkLayout.STAMP
    try:
        if json.loads(path.read_text()) != stamp:
            return None
        return load_full_label_manifests(out)
    except (OSError, ValueError):
        return None


def build_full_labels(out_dir: str | Path, released_stamp: dict, *, beam_args: list[str] | None = None,
                      force: bool = False) -> dict[str, DatasetManifest]:
    """Adds (or reuses) the full-label copies of a built benchmark; returns their manifests.

    Needs only the released raw folders and the hidden truth, so it adds the copies to a cached
    benchmark without re-rendering anything. Copies stamped with the same released stamp and
    FULL_LABELS_VERSION are reused unless `force`; others are overwritten dataset by dataset.
    """
    out = Path(out_dir)
    stamp = {**released_stamp, "full_labels_version": FULL_LABELS_VERSION}
    if not force and (cached := _cached(out, stamp)) is not None:
        print(f"synth: {out / BenchmarkLayout.FULL_LABELS} already holds the full-label copies; reusing them")
        return cached
    (out / BenchmarkLayout.FULL_LABELS / BenchmarkLayout.STAMP).unlink(missing_ok=True)
    manifests = {name: _build_one(out, name, seed=stamp["seed"], image_size=stamp["image_size"],
                                  beam_args=beam_args) for name in domain_names()}
    (out / BenchmarkLayout.FULL_LABELS / BenchmarkLayout.STAMP).write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    return manifests
