"""Turning the job's temp folder into a published dataset: manifest last, then one rename.

A reader only trusts a folder with manifest.json, and the folder appears under its final name in
one `os.rename`, so an interrupted job (kill -9 leaves `beam-temp-*` folders) or a re-run with
another shard count never leaves something that looks complete (pitfalls, "Beam and TFRecords").
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import socket
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from facedata.stats import StatsAccumulator
from faceschemas.layouts import DatasetLayout
from faceschemas.manifest import DatasetManifest, ImageSpec, ShardInfo
from faceschemas.tasks import TASKS

#: A build folder of another host, or of unknown origin, counts as abandoned after this long.
STALE_AFTER_S = 24 * 3600


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname())[:40] or "host"


def fresh_build_dir(output_root: Path, name: str) -> Path:
    """A new, empty sibling folder of the final dataset folder to build into.

    Its name carries the host and process id (`.<name>.building-<host>-<pid>-<hex>`), so that a
    later run can tell a folder left by a killed job from one a running job is filling.
    """
    output_root.mkdir(parents=True, exist_ok=True)
    path = output_root / f".{name}.building-{_host()}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    path.mkdir()
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(folder: Path) -> bool:
    match = re.fullmatch(r".+\.building-(.+)-(\d+)-[0-9a-f]{12}", folder.name)
    if match and match.group(1) == _host():
        return int(match.group(2)) != os.getpid() and not _alive(int(match.group(2)))
    try:
        return time.time() - folder.stat().st_mtime > STALE_AFTER_S
    except FileNotFoundError:
        return False


def remove_stale_builds(output_root: Path, name: str) -> list[Path]:
    """Removes build folders of `name` left by interrupted jobs (`kill -9`); returns them.

    A folder whose process (on this host) is gone is removed at once; one of another host, or
    in the old unnamed form, once it is older than STALE_AFTER_S. Half-removed `.old-*` folders
    of an interrupted publish go too.
    """
    if not output_root.is_dir():
        return []
    stale = [p for p in sorted(output_root.glob(f".{glob.escape(name)}.building-*")) if _abandoned(p)]
    stale += sorted(output_root.glob(f".{glob.escape(name)}.old-*"))
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


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
    for line in (build_dir / DatasetLayout.QUARANTINE).read_text().splitlines():
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
    tmp = build_dir / f".{DatasetLayout.MANIFEST}.tmp"
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n")
    os.replace(tmp, build_dir / DatasetLayout.MANIFEST)


def publish(build_dir: Path, final: Path) -> None:
    """Moves the finished `build_dir` to `final`, replacing an older dataset of that name."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:12]}")
        os.rename(final, old)
    os.rename(build_dir, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
