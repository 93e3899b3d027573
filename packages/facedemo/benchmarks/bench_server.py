"""Load test of `mtl demo serve`: requests/s and p50/p95 latency with 1 and 8 concurrent clients.

    .venv/bin/python packages/facedemo/benchmarks/bench_server.py [--quick] [--rounds N]

The server runs in its own process (as `mtl demo serve` would: `facedemo.server` with the Haar
detector and the FER2013 emotion preset by default) on a free port of 127.0.0.1; the clients are
threads of this process, each with one keep-alive connection, posting the real portrait cropped to
4:3 and resized to 640x480 (one face) as a multipart upload. Everything goes to loopback, and each
level is bounded in requests and in seconds. Targets: p95 under 100 ms at 8 clients, and 8
clients' throughput at least 1.5x one client's.
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

from facedemo.server import ServerSettings  # noqa: E402

SERVER = """
import contextlib, sys
from facedemo import DemoSettings, FacePipeline
from facedemo.server import ServerSettings, bind, create_app, make_server
pipeline = FacePipeline(DemoSettings(detector=sys.argv[1], max_side=int(sys.argv[2]), models=tuple(sys.argv[4:])))
settings = ServerSettings(detectors=int(sys.argv[3])) if int(sys.argv[3]) else ServerSettings()
sock = bind("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
with contextlib.suppress(KeyboardInterrupt):  # the benchmark stops it with SIGINT
    make_server(create_app(pipeline, settings)).run(sockets=[sock])
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


def start_server(detector: str, max_side: int, detectors: int, models: list[str]) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", SERVER, detector, str(max_side), str(detectors), *models],
                               stdout=subprocess.PIPE, text=True)
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


def level(port: int, body: bytes, headers: dict[str, str], clients: int, total: int) -> dict[str, float]:
    """`total` requests spread over `clients` threads; throughput and latency percentiles."""
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + TIME_CAP
    threads = [threading.Thread(target=client, args=(port, body, headers, total // clients, deadline,
                                                     latencies, errors)) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} failed request(s), first: {errors[0]}")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / wall,
            "p50_ms": 1000 * cuts[49], "p95_ms": 1000 * cuts[94]}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" + (f" ({min(values):.1f}-{max(values):.1f})" if len(values) > 1 else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 24 requests per level.")
    parser.add_argument("--rounds", type=int, default=None, help="Rounds (default 3, 1 with --quick).")
    parser.add_argument("--requests", type=int, default=None, help="Requests per level (default 96, 24 quick).")
    parser.add_argument("--detector", default="haar")
    parser.add_argument("--max-side", type=int, default=1024,
                        help="The detector's working resolution, as `mtl demo serve --max-side`.")
    parser.add_argument("--detector-threads", type=int, default=0,
                        help="Detector instances, as `mtl demo serve --detector-threads` (0: its default).")
    parser.add_argument("--model", action="append", default=[], help="Default: the FER2013 preset.")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    total = args.requests or (24 if args.quick else 96)
    body, headers = form(photo_640x480())
    process, port = start_server(args.detector, args.max_side, args.detector_threads, args.model)
    try:
        level(port, body, headers, 1, 4)  # warm-up: the detector's and the model's first calls
        results = [[level(port, body, headers, c, total) for c in LEVELS] for _ in range(rounds)]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    threads = args.detector_threads or ServerSettings().detectors
    setup = (f"{args.detector} at max side {args.max_side} ({threads} detector thread(s)) + "
             f"{','.join(args.model or ['mini_xception_fer2013'])}")
    report(results, setup, os.getloadavg()[0])


def report(results: list[list[dict[str, float]]], setup: str, load: float) -> None:
    print(f"server: {setup}, 640x480 JPEG with one face, {len(results)} round(s), "
          f"load average {load:.1f} on {os.cpu_count()} CPU(s); median (min-max) over rounds")
    for i, clients in enumerate(LEVELS):
        rows = [r[i] for r in results]
        print(f"  {clients} client(s): {spread([r['rps'] for r in rows])} req/s, "
              f"p50 {spread([r['p50_ms'] for r in rows])} ms, p95 {spread([r['p95_ms'] for r in rows])} ms "
              f"({rows[0]['requests']} requests per round)")
    ratios = [r[1]["rps"] / r[0]["rps"] for r in results]
    p95 = [r[1]["p95_ms"] for r in results]
    print(f"  throughput 8 vs 1 client: x{statistics.median(ratios):.2f} (target >= 1.5: "
          f"{'met' if statistics.median(ratios) >= 1.5 else 'NOT met'}); p95 at 8 clients "
          f"{statistics.median(p95):.0f} ms (target < 100: {'met' if statistics.median(p95) < 100 else 'NOT met'})")


if __name__ == "__main__":
    main()
