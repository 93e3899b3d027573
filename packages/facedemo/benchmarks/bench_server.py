"""Load test of `mtl demo serve`: requests/s and p50/p95 latency with 1 and 8 concurrent clients.

    .venv/bin/python packages/facedemo/benchmarks/bench_server.py [--quick] [--rounds N]

The server runs in its own process (as `mtl demo serve` would: `facedemo.server` with its default
detector, the full-range BlazeFace, and the FER2013 emotion preset) on a free port of 127.0.0.1; the clients are
threads of this process, each with one keep-alive connection, posting the real portrait cropped to
4:3 and resized to 640x480 (one face) as a multipart upload. Everything goes to loopback, and each
level is bounded in requests and in seconds. Targets: p95 under 100 ms at 8 clients, and 8
clients' throughput at least 1.5x one client's. Besides the latencies it reports the server
process's CPU time per request and the cores it kept busy (from /proc), what that allows on this
machine (Little's law), and how many requests each model call answered (micro-batching).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import cv2  # noqa: E402
from clips import PHOTO  # noqa: E402

from facedemo.runtime import DEMO_TF_THREADS  # noqa: E402
from facedemo.server import SERVE_DETECTOR, SERVE_MIN_FACE, ServerSettings  # noqa: E402

SERVER = """
import contextlib, json, sys
import cv2
from facedemo.runtime import limit_tf_threads
setup = json.loads(sys.argv[1])
if setup["tf_threads"]:
    limit_tf_threads(setup["tf_threads"])  # before TensorFlow starts, as `mtl demo serve` does
if setup["cv_threads"]:
    cv2.setNumThreads(setup["cv_threads"])
from facedemo import DemoSettings, FacePipeline
from facedemo.server import ServerSettings, bind, create_app, make_server
pipeline = FacePipeline(DemoSettings(detector=setup["detector"], max_side=setup["max_side"],
                                     min_face=setup["min_face"] or None, models=tuple(setup["models"])))
settings = ServerSettings(detectors=setup["detectors"]) if setup["detectors"] else ServerSettings()
sock = bind("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
app = create_app(pipeline, settings)
with contextlib.suppress(KeyboardInterrupt):  # the benchmark stops it with SIGINT
    make_server(app).run(sockets=[sock])
predictor = app.state.predictor
print(json.dumps({"served": predictor.served, "model_calls": predictor.batcher.calls}), flush=True)
"""
LEVELS = (1, 8)
TIME_CAP = 120.0  # seconds per level at most, whatever the request count


def photo_640x480() -> bytes:
    """The portrait's top 512x384 (the whole face, 4:3) resized to 640x480, as a JPEG."""
    bgr = cv2.imread(str(PHOTO))[60:444, :512]
    ok, data = cv2.imencode(".jpg", cv2.resize(bgr, (640, 480), interpolation=cv2.INTER_CUBIC))
    assert ok
    return data.tobytes()


def form(image: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"hopper640.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + image + f"\r\n--{boundary}--\r\n".encode(), {
        "Content-Type": f"multipart/form-data; boundary={boundary}"}


def start_server(setup: dict) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", SERVER, json.dumps(setup)], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.strip().isdigit():
        process.kill()
        raise SystemExit(f"the server did not start (said {line!r})")
    return process, int(line)


def client(port: int, body: bytes, headers: dict[str, str], count: int, deadline: float,
           latencies: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.connect()
    # http.client writes the headers and the body in two sends; with Nagle's algorithm on, the
    # body's last segment may wait for the server's delayed ACK. Browsers and curl set
    # TCP_NODELAY, and so do we (the server sets it too: see facedemo.server.bind).
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                return
            start = time.perf_counter()
            conn.request("POST", "/predict", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - start
            if response.status != 200 or len(json.loads(answer)["faces"]) != 1:
                errors.append(f"{response.status}: {answer[:120]!r}")
            latencies.append(elapsed)
    finally:
        conn.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) used so far by process `pid` (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def level(port: int, body: bytes, headers: dict[str, str], clients: int, total: int,
          pid: int = 0) -> dict[str, float]:
    """`total` requests spread over `clients` threads; throughput, latency percentiles, and the
    server's CPU time per request and cores in use (when its `pid` is given)."""
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + TIME_CAP
    threads = [threading.Thread(target=client, args=(port, body, headers, total // clients, deadline,
                                                     latencies, errors)) for _ in range(clients)]
    cpu, start = cpu_seconds(pid), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - start, cpu_seconds(pid) - cpu
    if errors:
        raise SystemExit(f"{len(errors)} failed request(s), first: {errors[0]}")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / wall,
            "p50_ms": 1000 * cuts[49], "p95_ms": 1000 * cuts[94],
            "cpu_ms": 1000 * cpu / len(latencies), "cores": cpu / wall}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" + (f" ({min(values):.1f}-{max(values):.1f})" if len(values) > 1 else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 24 requests per level.")
    parser.add_argument("--rounds", type=int, default=None, help="Rounds (default 3, 1 with --quick).")
    parser.add_argument("--requests", type=int, default=None, help="Requests per level (default 96, 24 quick).")
    parser.add_argument("--detector", default=SERVE_DETECTOR, help="As `mtl demo serve --detector`.")
    parser.add_argument("--max-side", type=int, default=1024,
                        help="The detector's working resolution, as `mtl demo serve --max-side`.")
    parser.add_argument("--min-face", type=int, default=SERVE_MIN_FACE,
                        help="Smallest face wanted, as `mtl demo serve --min-face` (0: any).")
    parser.add_argument("--detector-threads", type=int, default=0,
                        help="Detector instances, as `mtl demo serve --detector-threads` (0: its default).")
    parser.add_argument("--tf-threads", type=int, default=DEMO_TF_THREADS,
                        help="TensorFlow's pools, as `mtl demo serve` sets them (0: TensorFlow's default).")
    parser.add_argument("--cv-threads", type=int, default=0, help="cv2.setNumThreads (0: OpenCV's default).")
    parser.add_argument("--model", action="append", default=[], help="Default: the FER2013 preset.")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    total = args.requests or (24 if args.quick else 96)
    body, headers = form(photo_640x480())
    process, port = start_server({"detector": args.detector, "max_side": args.max_side, "min_face": args.min_face,
                                  "detectors": args.detector_threads, "tf_threads": args.tf_threads,
                                  "cv_threads": args.cv_threads, "models": args.model})
    try:
        level(port, body, headers, 1, 4)  # warm-up: the detector's and the model's first calls
        results = [[level(port, body, headers, c, total, process.pid) for c in LEVELS] for _ in range(rounds)]
    finally:
        process.send_signal(signal.SIGINT)
        said, _ = process.communicate(timeout=30)
    counts = json.loads(said.strip().splitlines()[-1]) if said.strip() else {}
    threads = args.detector_threads or ServerSettings().detectors
    setup = (f"{args.detector} at max side {args.max_side}, faces from {args.min_face or 'any size'} px "
             f"({threads} detector thread(s), TensorFlow threads {args.tf_threads or 'default'}, "
             f"OpenCV threads {args.cv_threads or 'default'}) + {','.join(args.model or ['mini_xception_fer2013'])}")
    report(results, setup, os.getloadavg()[0])
    if counts.get("model_calls"):
        print(f"  micro-batching: {counts['served']} requests answered with {counts['model_calls']} model calls "
              f"(x{counts['served'] / counts['model_calls']:.2f} requests per call, all levels)")


def report(results: list[list[dict[str, float]]], setup: str, load: float) -> None:
    print(f"server: {setup}, 640x480 JPEG with one face, {len(results)} round(s), "
          f"load average {load:.1f} on {os.cpu_count()} CPU(s); median (min-max) over rounds")
    for i, clients in enumerate(LEVELS):
        rows = [r[i] for r in results]
        print(f"  {clients} client(s): {spread([r['rps'] for r in rows])} req/s, "
              f"p50 {spread([r['p50_ms'] for r in rows])} ms, p95 {spread([r['p95_ms'] for r in rows])} ms; "
              f"server CPU {spread([r['cpu_ms'] for r in rows])} ms per request, "
              f"{spread([r['cores'] for r in rows])} cores busy ({rows[0]['requests']} requests per round)")
    ratios = [r[1]["rps"] / r[0]["rps"] for r in results]
    p95 = [r[1]["p95_ms"] for r in results]
    print(f"  throughput 8 vs 1 client: x{statistics.median(ratios):.2f} (target >= 1.5: "
          f"{'met' if statistics.median(ratios) >= 1.5 else 'NOT met'}); p95 at 8 clients "
          f"{statistics.median(p95):.0f} ms (target < 100: {'met' if statistics.median(p95) < 100 else 'NOT met'})")
    print("  " + bounds(results))


def bounds(results: list[list[dict[str, float]]]) -> str:
    """What the CPU time per request allows here (Little's law: clients = throughput x latency)."""
    cpu_ms = statistics.median(r[1]["cpu_ms"] for r in results)
    if not cpu_ms:
        return "server CPU time not measured (no /proc)"
    cores = os.cpu_count() or 1
    most = 1000 * cores / cpu_ms
    alone = statistics.median(r[0]["cores"] for r in results)
    return (f"bounds: {cpu_ms:.0f} ms of CPU per request on {cores} cores allow at most {most:.0f} req/s, so "
            f"8 clients wait {8000 / most:.0f} ms per request on average at best (a mean under 100 ms needs "
            f"<= {100 * cores / 8:.0f} ms of CPU per request); 1 client already keeps {alone:.1f} cores "
            f"busy, so 8 can add at most x{cores / alone:.2f}" if alone else "")
if __name__ == "__main__":
    main()
