"""Helpers for the server tests (no tests here): a real server on 127.0.0.1 and a small client.

The server runs in a thread on a free port; every request goes to loopback, with a timeout. A
unique module name, since test folders share sys.path.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import uuid

from facedemo.server import ServerSettings, bind, create_app, make_server

TIMEOUT = 60.0


@contextlib.contextmanager
def running_server(pipeline, settings: ServerSettings | None = None):
    """Yields the base URL of a server answering with `pipeline`; stops it afterwards."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = make_server(create_app(pipeline, settings))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        thread.join(0.05)
    assert server.started, "the server did not start within 10 s"
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def request(base: str, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request to the server at `base` (loopback); (status, headers, body)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get_json(base: str, path: str) -> tuple[int, dict]:
    status, _, body = request(base, "GET", path)
    return status, json.loads(body)


def multipart(data: bytes, filename: str = "photo.jpg", field: str = "image",
              content_type: str = "image/jpeg") -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body with one file field, and its headers."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def post_image(base: str, data: bytes, form: bool = True, filename: str = "photo.jpg"):
    """POST /predict; (status, parsed JSON body)."""
    if form:
        body, headers = multipart(data, filename)
    else:
        body, headers = data, {"Content-Type": "application/octet-stream"}
    status, _, answer = request(base, "POST", "/predict", body, headers)
    return status, json.loads(answer)
