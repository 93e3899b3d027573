"""`mtl demo serve`'s API against a real server on 127.0.0.1: answers, limits, bad input, threads."""

from __future__ import annotations

import http.client
import io
import socket
import struct
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from facedemo_fixtures import HAND_BOX, two_faces
from PIL import Image
from test_server_fixtures import get_json, multipart, post_image, request, running_server

from facedemo import DemoSettings, FacePipeline
from facedemo.geometry import iou
from facedemo.server import Busy, Predictor, ServerSettings, bind
from faceschemas.prediction import Prediction

LIMITS = ServerSettings(max_bytes=2 * 2**20, max_pixels=1_000_000, detectors=3)


def jpeg(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()


def png(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with an empty pixel stream."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def server(haar_pipeline):
    with running_server(haar_pipeline, LIMITS) as (base, _):
        yield base


@pytest.fixture(scope="module")
def photo_bytes(photo) -> bytes:
    return photo.read_bytes()


@pytest.mark.parametrize("form", [True, False], ids=["multipart", "raw-body"])
def test_predict_answers_the_portrait_with_a_valid_prediction(server, photo_bytes, form):
    status, body = post_image(server, photo_bytes, form=form, filename="hopper.jpg")
    assert status == 200, body
    prediction = Prediction.model_validate(body)
    (face,) = prediction.faces
    assert iou(face.box, HAND_BOX) > 0.5 and face.detector == "haar"
    assert set(face.tasks) == {"emotion", "pose"} and prediction.model == "ep.keras"
    assert prediction.image_size == (512, 600)
    assert prediction.source == ("hopper.jpg" if form else "upload")


def test_a_raw_body_is_named_by_the_query(server, photo_bytes):
    status, _, body = request(server, "POST", "/predict?name=me.jpg", photo_bytes,
                              {"Content-Type": "image/jpeg"})
    assert status == 200 and Prediction.model_validate_json(body).source == "me.jpg"


def test_health_and_models(server):
    status, health = get_json(server, "/health")
    assert status == 200 and health["status"] == "ok" and health["detector"] == "haar"
    status, models = get_json(server, "/models")
    assert status == 200 and models["detector"] == "haar"
    assert models["models"] == [{"name": "ep.keras", "tasks": ["emotion", "pose"], "input_size": [64, 64],
                                 "channels": 1, "synthetic": False}]
    assert (models["max_bytes"], models["max_pixels"]) == (LIMITS.max_bytes, LIMITS.max_pixels)


def _bad_inputs(photo_rgb: np.ndarray, photo_bytes: bytes) -> dict[str, tuple[bytes, int, str]]:
    good_png = png(photo_rgb)
    corrupt_png = good_png[:200] + bytes(len(good_png) - 200)  # header intact, pixel data zeroed
    gif = io.BytesIO()
    Image.fromarray(photo_rgb).save(gif, "GIF")
    return {
        "empty": (b"", 400, "empty"),
        "text": (b"hello, this is not an image\n" * 20, 415, "not an image"),
        "gif": (gif.getvalue(), 415, "GIF"),
        "corrupt-png": (corrupt_png, 400, "not an image OpenCV can decode"),
        "truncated-jpeg": (photo_bytes[: len(photo_bytes) // 2], 400, "truncated JPEG"),
        "too-many-bytes": (photo_bytes + bytes(3 * 2**20), 413, "over the limit of 2097152 bytes"),
        "too-many-pixels": (png(np.zeros((1000, 1001, 3), np.uint8)), 413, "1001x1000 pixels"),
        # 10^10 pixels announced by a 65-byte file: refused from the header, nothing decoded.
        "pixel-bomb": (png_header_only(100_000, 100_000), 413, "too many pixels"),
    }


@pytest.mark.parametrize("form", [True, False], ids=["multipart", "raw-body"])
def test_bad_input_is_a_json_error_and_the_server_goes_on(server, photo_rgb, photo_bytes, form):
    for name, (data, status, reason) in _bad_inputs(photo_rgb, photo_bytes).items():
        got, body = post_image(server, data, form=form)
        assert (got, set(body)) == (status, {"error"}), (name, got, body)
        assert reason in body["error"], (name, body)
    assert post_image(server, photo_bytes, form=form)[0] == 200


def test_malformed_requests_are_json_errors(server, photo_bytes):
    body, headers = multipart(photo_bytes, field="other")
    assert post_image(server, photo_bytes)[0] == 200
    status, _, answer = request(server, "POST", "/predict", body[:-30], headers)  # cut-off form
    assert status == 400 and b"error" in answer
    text_only = b"--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--x--\r\n"
    status, _, answer = request(server, "POST", "/predict", text_only,
                                {"Content-Type": "multipart/form-data; boundary=x"})
    assert status == 400 and b"no file field" in answer
    status, _, answer = request(server, "POST", "/predict", body, {"Content-Type": "multipart/form-data"})
    assert status == 400 and b"boundary" in answer
    for method, path, code in (("GET", "/predict", 405), ("GET", "/nowhere", 404)):
        status, headers, answer = request(server, method, path)
        assert status == code and headers["content-type"] == "application/json" and b"error" in answer


def test_an_unexpected_failure_is_a_500_and_the_next_request_is_answered(small_model, photo_bytes, monkeypatch):
    pipeline = FacePipeline(DemoSettings(detector="haar"), models=[small_model])
    calls = {"n": 0}
    real = pipeline.analyse

    def fail_once(rgb, detections):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a model that breaks")
        return real(rgb, detections)

    monkeypatch.setattr(pipeline, "analyse", fail_once)
    with running_server(pipeline) as (base, _):
        status, body = post_image(base, photo_bytes)
        assert status == 500 and "RuntimeError" in body["error"]
        assert post_image(base, photo_bytes)[0] == 200
        health = get_json(base, "/health")[1]
        assert (health["served"], health["failed"], health["pending"]) == (1, 1, 0)


def test_concurrent_requests_are_each_answered_with_their_own_image(server, photo_rgb):
    # Three different images (one face, two faces, none), 8 threads: every answer must be the one
    # its own image gets alone, so nothing is mixed up between requests.
    images = {"one": photo_rgb, "two": two_faces(photo_rgb), "none": np.full((300, 400, 3), 90, np.uint8)}
    encoded = {name: jpeg(rgb) for name, rgb in images.items()}
    alone = {name: Prediction.model_validate(post_image(server, data, filename=name)[1])
             for name, data in encoded.items()}
    assert [len(alone[n].faces) for n in ("one", "two", "none")] == [1, 2, 0]
    jobs = [name for _ in range(8) for name in encoded]

    def send(name):
        status, body = post_image(server, encoded[name], filename=name)
        return name, status, body

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, jobs))
    for name, status, body in results:
        assert status == 200, body
        got = Prediction.model_validate(body)
        # OpenCV's parallel cascade lists faces in no fixed order: compare them by box.
        ref = {f.box: f for f in alone[name].faces}
        assert got.source == name and sorted(f.box for f in got.faces) == sorted(ref)
        for mine in got.faces:
            for task, answer in mine.tasks.items():
                ref_probs = ref[mine.box].tasks[task].probabilities
                assert all(abs(answer.probabilities[k] - ref_probs[k]) < 1e-5 for k in ref_probs)


def test_keep_alive_answers_are_not_held_back_by_nagle(server):
    # bind() makes the socket with IPPROTO_TCP, so asyncio sets TCP_NODELAY on its connections;
    # without it each keep-alive response waited ~40 ms for the client's delayed ACK.
    probe = bind("127.0.0.1", 0)
    assert probe.proto == socket.IPPROTO_TCP
    probe.close()
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    times = []
    try:
        for _ in range(10):
            start = time.perf_counter()
            conn.request("GET", "/health")
            conn.getresponse().read()
            times.append(time.perf_counter() - start)
    finally:
        conn.close()
    assert min(times[1:]) < 0.02, times


def test_the_predictor_refuses_work_beyond_its_queue(haar_pipeline, photo_rgb):
    predictor = Predictor(haar_pipeline, max_pending=1, detectors=1)
    first = threading.Thread(target=predictor.predict, args=(photo_rgb, "first"))
    with predictor._stages.borrowed():  # the only detector is taken: the first image waits for it
        first.start()
        for _ in range(100):
            if predictor.pending:
                break
            first.join(0.02)
        with pytest.raises(Busy):
            predictor.predict(photo_rgb, "second")
    first.join(30)
    assert (predictor.served, predictor.pending) == (1, 0)


def test_openapi_describes_every_route_and_its_responses(server):
    from openapi_spec_validator import validate

    status, spec = get_json(server, "/openapi.json")
    assert status == 200
    validate(spec)  # raises on anything that is not valid OpenAPI 3.1
    assert spec["openapi"].startswith("3.") and set(spec["paths"]) == {"/", "/predict", "/health", "/models",
                                                                       "/openapi.json"}
    predict = spec["paths"]["/predict"]["post"]
    assert set(predict["responses"]) == {"200", "400", "413", "415", "500", "503"}
    assert {"multipart/form-data", "image/jpeg"} <= set(predict["requestBody"]["content"])
    assert predict["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Prediction")
    assert {"Prediction", "FacePrediction", "TaskPrediction", "ErrorBody", "Health", "ModelsInfo"} <= set(
        spec["components"]["schemas"])
    for path in ("/health", "/models"):
        assert "200" in spec["paths"][path]["get"]["responses"]


def test_the_page_and_its_files_come_from_the_app_with_no_external_url(server):
    status, headers, html = request(server, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    for path in ("/static/app.js", "/static/style.css"):
        status, _, text = request(server, "GET", path)
        assert status == 200 and text
        assert b"http://" not in text and b"https://" not in text and b"//cdn" not in text
    assert b"http" not in html and b'src="/static/app.js"' in html
