"""tf.distribute: MirroredStrategy over two CPU replicas, and two local workers on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("distributed_run.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _weights(path):
    with np.load(path) as data:
        return [data[k] for k in sorted(data.files, key=lambda k: int(k.split("_")[1]))]


@pytest.mark.slow
def test_mirrored_two_replicas_train(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "mirrored", tmp_path / "w.npz", tmp_path / "runs"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 replicas" in result.stdout
    assert all(np.all(np.isfinite(w)) for w in _weights(tmp_path / "w.npz"))


@pytest.mark.slow
def test_two_local_workers_end_with_identical_weights(tmp_path):
    ports = [str(_free_port()), str(_free_port())]
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), "multiworker", tmp_path / f"w{i}.npz",
                               tmp_path / f"runs{i}", str(i), *ports], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    try:
        outputs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-3000:]
        assert "2 replicas" in out
    for a, b in zip(_weights(tmp_path / "w0.npz"), _weights(tmp_path / "w1.npz"), strict=True):
        assert np.array_equal(a, b)
