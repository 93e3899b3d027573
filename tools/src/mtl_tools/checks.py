"""Cheap checks of user input that run before TensorFlow or Beam is imported.

Importing TensorFlow takes seconds and prints start-up lines; a mistyped path must be reported
at once, alone, on one line.
"""

from __future__ import annotations

from pathlib import Path

from mtl_tools.errors import UserError


def require_run_folder(path: str) -> Path:
    """The run folder at `path`, or a UserError when it holds no config.json."""
    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise UserError(f"{path}: not a run folder (no config.json)")
    return folder


def require_prepared_dataset(path: str) -> Path:
    """The prepared dataset folder at `path`, or a UserError when it holds no manifest.json."""
    folder = Path(path)
    if not (folder / "manifest.json").is_file():
        raise UserError(f"{path} has no manifest.json: not a prepared dataset (or the job did not finish)")
    return folder
