"""A real training step of every backbone, in a child process (a TF crash would kill pytest).

Default: mini_xception compiled at its real 64x64x1 (the input at which the published stride-2
shortcut crashes TF 2.21 with oneDNN, pitfalls.md), the other backbones at small inputs and
eagerly (same kernels, no graph tracing). Slow: every backbone compiled at its full input size.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from facemodels.backbones import list_backbones

SCRIPT = Path(__file__).with_name("train_step_script.py")


def _run(*args: str) -> dict[str, list[float]]:
    result = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=900)
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("TRAINED ")]
    trained = {parts[1]: [float(v) for v in parts[2:]] for parts in lines}
    if result.returncode != 0:
        trained["__failure__"] = [result.returncode]
        trained["__stderr__"] = result.stderr[-2000:]  # type: ignore[assignment]
    return trained


@pytest.fixture(scope="module")
def small_run() -> dict[str, list[float]]:
    return _run(*[name if name == "mini_xception" else f"{name}:eager" for name in list_backbones()])


def _check(trained: dict, name: str) -> None:
    assert name in trained, f"training step of {name} did not finish: {trained.get('__failure__')} {trained.get('__stderr__')}"
    first, second, change = trained[name]
    assert math.isfinite(first) and math.isfinite(second)
    assert change > 0, f"{name}: the step changed no weight"


@pytest.mark.parametrize("name", list_backbones())
def test_one_training_step(small_run, name):
    _check(small_run, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", list_backbones())
def test_one_training_step_at_full_size(name):
    _check(_run("--full", name), name)
