"""Turning the job's temp folder into a published dataset: manifest last, then one rename.

A reader only trusts a folder with manifest.json, and the folder appears under its final name in
one `os.rename`, so an interrupted job (kill -9 leaves `beam-temp-*` folders) or a re-run with
another shard count never leaves something that looks complete (pitfalls, "Beam and TFRecords").
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

from facedata.stats import StatsAccumulator
from faceschemas.manifest import DatasetManifest, ImageSpec, ShardInfo
from faceschemas.tasks import TASKS

MANIFEST = "manifest.json"
QUARANTINE_FILE = "quarantine.jsonl"


def fresh_build_dir(output_root: Path, name: str) -> Path:
    """A new, empty sibling folder of the final dataset folder to build into."""
    output_root.mkdir(parents=True, exist_ok=True)
    path = output_root / f".{name}.building-{uuid.uuid4().hex[:12]}"
    path.mkdir()
    return path


def collect_shards(build_dir: Path) -> list[dict]:
    """Reads and removes the per-shard sidecars the writers left, sorted by shard path."""
    sidecars = []
    for path in sorted(build_dir.glob(".*.stats.json")):
        sidecars.append(json.loads(path.read_text()))
        path.unlink()
    return sorted(sidecars, key=lambda s: s["path"])


def fill_empty_shards(build_dir: Path, sidecars: list[dict]) -> list[dict]:
    """Writes the shards no record hashed to as empty files, so `-of-MMMMM` is always complete."""
    from facedata.records import write_tfrecord
    from facedata.splits import shard_name
    from facedata.stats import StatsAccumulator

    present = {s["path"] for s in sidecars}
    for split, total in sorted({(s["split"], int(s["path"].rsplit("-", 1)[1].split(".")[0])) for s in sidecars}):
        for index in range(total):
            name = shard_name(split, index, total)
            if name not in present:
                _, sha = write_tfrecord(build_dir / name, [])
                sidecars.append({"path": name, "split": split, "records": 0, "sha256": sha,
                                 "stats": StatsAccumulator().to_dict()})
    return sorted(sidecars, key=lambda s: s["path"])


def quarantine_reasons(build_dir: Path) -> dict[str, int]:
    """Count of quarantined records per reason."""
    reasons: dict[str, int] = {}
    for line in (build_dir / QUARANTINE_FILE).read_text().splitlines():
        reason = json.loads(line)["reason"]
        reasons[reason] = reasons.get(reason, 0) + 1
    return dict(sorted(reasons.items()))


def build_manifest(build_dir: Path, *, name: str, source: str, tasks: tuple[str, ...],
                   image: ImageSpec, options: dict, version: str) -> DatasetManifest:
    """The DatasetManifest of what the job wrote into `build_dir`."""
    sidecars = fill_empty_shards(build_dir, collect_shards(build_dir))
    per_split: dict[str, StatsAccumulator] = {}
    for sidecar in sidecars:
        per_split.setdefault(sidecar["split"], StatsAccumulator()).merge(
            StatsAccumulator.from_dict(sidecar["stats"]))
    reasons = quarantine_reasons(build_dir)
    return DatasetManifest(
        name=name, source_format=source, created_at=datetime.now(timezone.utc),
        toolkit_version=version, tasks=tasks,
        label_names={t: TASKS[t].class_names for t in tasks}, image=image,
        splits={split: acc.to_split_stats(tasks) for split, acc in sorted(per_split.items())},
        shards=tuple(ShardInfo(path=s["path"], split=s["split"], records=s["records"], sha256=s["sha256"])
                     for s in sidecars),
        quarantined=sum(reasons.values()), quarantine_reasons=reasons, options=options,
    )


def write_manifest(build_dir: Path, manifest: DatasetManifest) -> None:
    """Writes manifest.json (temp file + rename), the last file of a dataset."""
    tmp = build_dir / f".{MANIFEST}.tmp"
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n")
    os.replace(tmp, build_dir / MANIFEST)


def publish(build_dir: Path, final: Path) -> None:
    """Moves the finished `build_dir` to `final`, replacing an older dataset of that name."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:12]}")
        os.rename(final, old)
    os.rename(build_dir, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
