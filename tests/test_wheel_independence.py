"""Each package's wheel installs into a fresh environment beside faceschemas alone and imports.

Users install single packages elsewhere (facedata on Beam workers, facedemo on an edge box), so a
package must not need the toolkit's other packages, except the dependencies DESIGN.md allows
(mtl-methods -> pseudolabel, facedemo -> facemodels; facepipelines, which wires suites, -> facedata,
pseudolabel).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Building eight wheels and seven fresh environments takes 60-80 s: kept out of `make test` (which
# lint-imports' contracts already guard statically) and run by `.ci/run` on its own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
INTERNAL = {
    "faceschemas": "faceschemas",
    "facedata": "facedata",
    "facemodels": "facemodels",
    "mtl-methods": "mtl_methods",
    "pseudolabel": "pseudolabel",
    "facedemo": "facedemo",
    "facepipelines": "facepipelines",
    "mtl-tools": "mtl_tools",
}
ALLOWED = {"mtl-methods": ["pseudolabel"], "facedemo": ["facemodels"], "facepipelines": ["facedata", "pseudolabel"]}


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([*_uv(), "build", "--all-packages", "--wheel", "--out-dir", str(out), "--quiet"],
                   cwd=ROOT, check=True)
    built = {}
    for wheel in out.glob("*.whl"):
        dist = wheel.name.split("-")[0].replace("_", "-")
        built[dist] = wheel
    assert set(built) == set(INTERNAL), f"wheels built: {sorted(built)}"
    return built


@pytest.mark.parametrize("dist", sorted(set(INTERNAL) - {"faceschemas"}))
def test_wheel_installs_and_imports_without_other_packages(dist, wheels, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([*_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    chosen = [dist, "faceschemas", *ALLOWED.get(dist, [])]
    subprocess.run([*_uv(), "pip", "install", "--quiet", "--python", str(python), *(str(wheels[d]) for d in chosen)],
                   check=True)
    absent = [INTERNAL[d] for d in INTERNAL if d not in chosen]
    probe = (
        "import importlib, importlib.util, sys\n"
        f"importlib.import_module({INTERNAL[dist]!r})\n"
        f"present = [m for m in {absent!r} if importlib.util.find_spec(m) is not None]\n"
        "sys.exit(f'other toolkit packages installed: {present}' if present else 0)\n"
    )
    result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
