"""`mtl demo serve` end to end: the real command in a subprocess, on a free loopback port."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_server_fixtures import get_json, post_image

from facedemo.server import bind

MTL = Path(sys.executable).with_name("mtl")
pytestmark = pytest.mark.skipif(not MTL.exists(), reason="the mtl command is not installed beside python")


def _serving_url(process: subprocess.Popen, deadline: float) -> str:
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        found = re.search(r"on (http://127\.0\.0\.1:\d+)/", line)
        if found:
            return found.group(1)
    raise AssertionError("mtl demo serve did not start:\n" + "".join(lines[-20:]))


def test_mtl_demo_serve_answers_and_stops_on_ctrl_c(keras_file, photo):
    # Its default detector (the full-range BlazeFace, fetched on first use), as a user gets it.
    command = [str(MTL), "demo", "serve", "--model", str(keras_file), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        base = _serving_url(process, time.monotonic() + 300)
        health = get_json(base, "/health")[1]
        assert (health["model"], health["detector"]) == ("ep.keras", "blazeface_full")
        status, body = post_image(base, photo.read_bytes())
        assert status == 200 and len(body["faces"]) == 1, json.dumps(body)[:300]
        assert set(body["faces"][0]["landmarks"]) >= {"left_eye", "right_eye"}
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_a_taken_port_is_one_line_and_exit_2(keras_file):
    taken = bind("127.0.0.1", 0)
    try:
        port = str(taken.getsockname()[1])
        done = subprocess.run([str(MTL), "demo", "serve", "--model", str(keras_file), "--detector", "haar",
                               "--port", port], capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == f"mtl: error: cannot listen on 127.0.0.1:{port} (Address already in use)"
