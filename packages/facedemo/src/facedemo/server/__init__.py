"""`mtl demo serve`: the demo as an HTTP API and a web page (Starlette app, uvicorn server).

    from facedemo import DemoSettings, FacePipeline
    from facedemo.server import SERVE_DETECTOR, serve
    serve(FacePipeline(DemoSettings(detector=SERVE_DETECTOR)), host="127.0.0.1", port=8080)

Routes: `POST /predict` (an image in, its `faceschemas.Prediction` out), `GET /health`,
`GET /models`, `GET /openapi.json` and the page at `/`. See the package README.
"""

from __future__ import annotations

from facedemo.server.app import (
    DEFAULT_PORT,
    LOOPBACK,
    SERVE_DETECTOR,
    SERVE_MIN_FACE,
    Busy,
    Predictor,
    ServerSettings,
    bind,
    create_app,
    is_loopback,
    make_server,
    serve,
)

__all__ = ["DEFAULT_PORT", "LOOPBACK", "SERVE_DETECTOR", "SERVE_MIN_FACE", "Busy", "Predictor", "ServerSettings", "bind", "create_app",
           "is_loopback", "make_server", "serve"]
