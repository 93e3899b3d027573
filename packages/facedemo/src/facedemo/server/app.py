"""The demo as an HTTP service: settings, the thread-safe predictor, the app and its server.

Starlette (the ASGI toolkit) answers the routes and uvicorn serves them: both small, typed and
maintained, with no framework on top. The model work is blocking (OpenCV and TensorFlow), so the
routes run it in worker threads and `Predictor` keeps the pipeline's state safe there.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from facedemo.pipeline import FacePipeline
from facedemo.server.batching import FaceBatcher
from facedemo.server.pool import FairPool
from faceschemas.prediction import Prediction

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8080
# `mtl demo serve`'s default smallest face (px), as for video: the detector works on each upload
# shrunk until such a face fills its smallest window (a 640x480 photo is searched at 320x240, 3.5x
# cheaper than at full size with Haar). `--min-face 0` finds faces as small as `mtl demo image` does.
SERVE_MIN_FACE = 48
# `mtl demo serve`'s default detector: the full-range BlazeFace finds faces from about 5% of the
# photo's longer side in 4-7 ms of CPU, where Haar took 35 ms on a 640x480 portrait at 320x240
# (and MTCNN more): detection was 90% of a request. `--detector` chooses another.
SERVE_DETECTOR = "blazeface_full"


def _default_detectors() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ServerSettings(BaseModel):
    """Limits of the HTTP service (checked before any pixel is decoded) and its parallelism."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_bytes: int = Field(default=10 * 2**20, ge=1, description="Largest upload (bytes); more is 413.")
    max_pixels: int = Field(default=40_000_000, ge=1, description="Largest width x height; more is 413.")
    max_pending: int = Field(default=32, ge=1, description="Images in work or waiting; more is 503.")
    detectors: int = Field(default_factory=_default_detectors, ge=1, le=64,
                           description="Detector instances working side by side (default: CPUs, at most 4).")


class Busy(RuntimeError):
    """More images are in work or waiting than `ServerSettings.max_pending`."""


class Predictor:
    """Answers RGB images with one `FacePipeline`, from any number of request threads.

    Neither a detector nor a model's compiled `tf.function` is promised to be safe when called
    from two threads at once (OpenCV's cascade keeps scratch buffers; MTCNN and our models hold
    Keras state), so no object is ever used by two threads together:

    * detection, the costly stage (about 90% of a request with Haar), has a pool of `detectors`
      instances of the pipeline's detector; a request borrows one from a `FairPool` (first come, first served) and gives it back;
    * the models are the pipeline's own, one compiled function per model, called by one thread
      at a time through a `FaceBatcher`: the faces of the requests waiting for the models go
      through them in one call (micro-batching), and the `tf.function` is never re-entered.

    OpenCV and TensorFlow release the GIL while they compute, so requests overlap: several detect
    at once while others' faces go through the models.
    """

    def __init__(self, pipeline: FacePipeline, max_pending: int = 32, detectors: int = 1) -> None:
        self.pipeline = pipeline
        self._stages = FairPool([pipeline] + [_sibling(pipeline) for _ in range(detectors - 1)])
        self.batcher = FaceBatcher(pipeline)
        self._count_lock = threading.Lock()
        self._max_pending, self.pending = max_pending, 0
        self.served, self.failed = 0, 0

    def predict(self, rgb, source: str) -> Prediction:
        """The `Prediction` of `rgb` ((H, W, 3) uint8), as `FacePipeline.process` gives it.

        Raises:
            Busy: too many images are already in work or waiting.
        """
        self._enter()
        try:
            with self._stages.borrowed() as stage:
                detections = stage.detect(rgb)
            answers = self.batcher.analyse(rgb, detections)
            faces = [self.pipeline.face(rgb, d, a) for d, a in zip(detections, answers, strict=True)]
            prediction = self.pipeline.prediction(rgb, source, faces)
        finally:
            with self._count_lock:
                self.pending -= 1
        self.count()
        return prediction

    def _enter(self) -> None:
        with self._count_lock:
            if self.pending >= self._max_pending:
                raise Busy(f"{self.pending} images are in work or waiting; try again shortly")
            self.pending += 1

    def count(self, failed: bool = False) -> None:
        """Counts one answered request (or one failed one) for `/health`."""
        with self._count_lock:
            if failed:
                self.failed += 1
            else:
                self.served += 1


def _sibling(pipeline: FacePipeline) -> FacePipeline:
    """A pipeline sharing `pipeline`'s settings and models, with a detector of its own."""
    from facedemo.detectors import DETECTORS

    twin = FacePipeline(pipeline.settings, models=pipeline.models)
    twin.detector = DETECTORS.get(pipeline.settings.detector)()
    return twin


def static_folder():
    """The folder of the web page's files (HTML, CSS, JS), inside the installed package."""
    return resources.files("facedemo.server") / "static"


def create_app(pipeline: FacePipeline, settings: ServerSettings | None = None):
    """The Starlette app serving `pipeline` (routes in `facedemo.server.routes`)."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException

    from facedemo.server import routes

    settings = settings or ServerSettings()
    app = Starlette(routes=routes.ROUTES, exception_handlers={
        HTTPException: routes.http_error, Exception: routes.internal_error})
    app.state.predictor = Predictor(pipeline, settings.max_pending, settings.detectors)
    app.state.settings = settings
    return app


def bind(host: str = LOOPBACK, port: int = DEFAULT_PORT) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0: a free one); OSError when it is taken.

    The socket is made with protocol IPPROTO_TCP, not 0 as `socket.create_server` does: asyncio
    sets TCP_NODELAY only on connections of a socket whose protocol says TCP, and without it each
    keep-alive response (headers and body are two writes) waited for the client's delayed ACK,
    40 ms per request on Linux (measured: 44 ms for `/health`, 1 ms with it).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else is reachable from other machines."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(app, log_level: str = "warning"):
    """A uvicorn server for `app`; run it with `server.run(sockets=[bind(...)])`."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=log_level in ("info", "debug"),
                            timeout_graceful_shutdown=5, lifespan="off")
    return uvicorn.Server(config)


def serve(pipeline: FacePipeline, host: str = LOOPBACK, port: int = DEFAULT_PORT,
          settings: ServerSettings | None = None, log_level: str = "info") -> None:
    """Serves `pipeline` on `host:port` until interrupted (Ctrl-C).

    Raises:
        OSError: the address cannot be bound (taken, or not an address of this machine).
    """
    sock = bind(host, port)
    make_server(create_app(pipeline, settings), log_level).run(sockets=[sock])
