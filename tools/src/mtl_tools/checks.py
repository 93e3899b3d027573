"""Cheap checks of user input that run before TensorFlow or Beam is imported.

Importing TensorFlow takes seconds and prints start-up lines; a mistyped path must be reported
at once, alone, on one line.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from faceschemas.layouts import DatasetLayout, RunLayout
from mtl_tools.errors import UserError


def require_run_folder(path: str) -> Path:
    """The run folder at `path`, or a UserError when it holds no config.json."""
    folder = Path(path)
    if not (folder / RunLayout.CONFIG).is_file():
        raise UserError(f"{path}: not a run folder (no {RunLayout.CONFIG})")
    return folder


def require_prepared_dataset(path: str) -> Path:
    """The prepared dataset folder at `path`, or a UserError when it holds no manifest.json."""
    folder = Path(path)
    if not (folder / DatasetLayout.MANIFEST).is_file():
        raise UserError(f"{path} has no {DatasetLayout.MANIFEST}: not a prepared dataset (or the job did not finish)")
    return folder


def require_writable_folder(path: str, option: str) -> Path:
    """The folder at `path`, created if needed, or a UserError when it is a file or cannot be written.

    Writing is tried (a temporary file), not guessed from permission bits: root passes any
    `os.access` check, and a read-only mount fails only when written.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{option} {path}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise UserError(f"{option} {path}: cannot write there ({err.strerror or err})") from None
    return folder


def require_trainable(config, data_root: str | None, runs_dir: str | None) -> None:
    """Before `mtl train` builds anything: the runs folder is writable (when a new run is made)
    and every prepared dataset of `config` has a non-empty train split."""
    from mtl_tools.wiring import by_dataset, dataset_dir

    if runs_dir is not None:
        require_writable_folder(runs_dir, "--runs-dir")
    for name in by_dataset(config):
        try:
            folder = dataset_dir(name, data_root)
            splits = json.loads((folder / DatasetLayout.MANIFEST).read_text()).get("splits", {})
        except (ValueError, OSError):
            continue  # a missing or broken dataset is reported when the sources are built
        if not (splits.get("train") or {}).get("count"):
            have = ", ".join(f"{k} ({v.get('count', 0)})" for k, v in splits.items()) or "no splits"
            raise UserError(f"dataset {folder}: no train records to train on (it has {have})")
