import subprocess
import sys
from pathlib import Path

import pytest

MTL = [sys.executable, "-m", "mtl_tools.cli"]
CONSOLE_SCRIPT = Path(sys.executable).parent / "mtl"  # what `pip install mtl-tools` puts on PATH


@pytest.fixture
def mtl():
    """Runs the real `mtl` command in a subprocess; returns the CompletedProcess."""

    def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([*MTL, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)

    return run


@pytest.fixture
def mtl_user_error():
    """Runs the `mtl` console script on a user mistake; returns its one error line.

    Asserts what DESIGN.md promises for every user error: exit status 2, nothing on stdout, and
    exactly one `mtl: error: ...` line on stderr (notes may precede it), with no traceback.
    """

    def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> str:
        result = subprocess.run([str(CONSOLE_SCRIPT), *args], capture_output=True, text=True, cwd=cwd,
                                timeout=timeout)
        where = f"mtl {' '.join(args)}\nstdout: {result.stdout[-1000:]}\nstderr: {result.stderr[-2000:]}"
        assert result.returncode == 2, where
        assert "Traceback" not in result.stderr, where
        errors = [line for line in result.stderr.splitlines() if line.startswith("mtl: error")]
        assert len(errors) == 1 and errors[0].startswith("mtl: error: "), where
        assert result.stdout == "", where
        return errors[0]

    return run
