import subprocess
import sys
from pathlib import Path

import pytest

MTL = [sys.executable, "-m", "mtl_tools.cli"]


@pytest.fixture
def mtl():
    """Runs the real `mtl` command in a subprocess; returns the CompletedProcess."""

    def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([*MTL, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)

    return run
