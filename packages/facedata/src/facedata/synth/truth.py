"""The hidden ground truth: every image's full attribute vector, kept out of the records.

Only evaluation reads it (issue 4, item 3): with it `mtl eval` scores every task on every
dataset, e.g. emotion accuracy on the pose dataset's images.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from faceschemas.layouts import BenchmarkLayout, DatasetLayout


def hidden_truth_path(root: str | Path, dataset: str) -> Path:
    """Where the hidden truth of `dataset` lives in a benchmark folder `root`."""
    return Path(root) / BenchmarkLayout.HIDDEN_TRUTH / BenchmarkLayout.hidden_truth_file(dataset)


def write_hidden_truth(path: str | Path, rows: list[dict]) -> None:
    """Writes one JSON line per sample (sorted keys, so re-runs are byte-identical)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w") as out:
        for row in rows:
            out.write(json.dumps(row, sort_keys=True) + "\n")
    os.replace(tmp, path)


def relative_truth_path(dataset_dir: str | Path, root: str | Path, name: str) -> str:
    """`<root>/hidden_truth/<name>.jsonl` relative to `dataset_dir` (the benchmark folder can move)."""
    return os.path.relpath(hidden_truth_path(root, name), Path(dataset_dir))


def _locate(dataset_dir_or_name: str | Path, root: str | Path | None) -> Path:
    given = Path(dataset_dir_or_name)
    if root is not None:
        return hidden_truth_path(root, given.name)
    manifest = given / DatasetLayout.MANIFEST
    if manifest.is_file():
        relative = json.loads(manifest.read_text()).get("hidden_truth_path")
        if relative:
            return (given / relative).resolve()
    return hidden_truth_path(given.parent, given.name)


def load_hidden_truth(dataset_dir_or_name: str | Path, root: str | Path | None = None) -> dict[str, dict]:
    """Every sample's clean attributes of one synthetic dataset, keyed by sample id.

    Args:
        dataset_dir_or_name: a prepared dataset folder (`<out>/synth_aflw`), or a dataset name
            when `root` is given.
        root: the benchmark folder (`--out` of `mtl data synth`).

    Returns:
        `{sample_id: {"labels": {task: class}, "values": {"yaw", "age_years", "roll"},
        "split", "dataset", "released", "nuisance"}}`; labels are clean (no annotation noise).

    Raises:
        FileNotFoundError: naming the file looked for, when the dataset has no hidden truth.
    """
    path = _locate(dataset_dir_or_name, root)
    if not path.is_file():
        raise FileNotFoundError(f"no hidden truth at {path}: only `mtl data synth` datasets have one")
    rows = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return {row["sample_id"]: row for row in rows}
