"""The routes: `POST /predict`, `GET /health`, `GET /models`, `GET /openapi.json` and the page.

Every answer is JSON; every failure is `{"error": "<one line>"}` with a 4xx or 5xx status, and a
failed request leaves the server as it was.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from facedemo.server import uploads
from facedemo.server.app import Busy, static_folder

log = logging.getLogger("facedemo.server")


class ErrorBody(BaseModel):
    """What every failure answers."""

    error: str = Field(description="One line saying what was wrong.")


class ModelInfo(BaseModel):
    """One loaded model."""

    model_config = ConfigDict(frozen=True)

    name: str
    tasks: list[str]
    input_size: tuple[int, int] = Field(description="width, height of its input.")
    channels: int = Field(description="1: grey, 3: RGB.")
    synthetic: bool = Field(description="Trained on synthetic faces only.")


class ModelsInfo(BaseModel):
    """The models and detector that answer `/predict`, and the upload limits."""

    detector: str
    models: list[ModelInfo]
    max_bytes: int
    max_pixels: int


class Health(BaseModel):
    """The service is up; counts since it started."""

    status: str = "ok"
    model: str = Field(description="The model(s), comma-separated, as in each Prediction.")
    detector: str
    served: int
    failed: int
    pending: int


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse(ErrorBody(error=message).model_dump(), status_code=status)


async def predict(request: Request) -> Response:
    """An image in (multipart field `image`, or the raw body), its `Prediction` out."""
    settings, predictor = request.app.state.settings, request.app.state.predictor
    try:
        body = await uploads.read_capped(request.stream(), settings.max_bytes,
                                         request.headers.get("content-length"))
        data, filename = await uploads.image_bytes(body, request.headers, settings.max_bytes)
        uploads.check_header(data, settings.max_pixels)
        source = filename or request.query_params.get("name") or "upload"
        prediction = await run_in_threadpool(_answer, predictor, data, source)
    except (uploads.ApiError, Busy) as err:
        predictor.count(failed=True)
        return error(getattr(err, "status", 503), str(err))
    except Exception as err:  # noqa: BLE001  (answered 500 here, so uvicorn logs it once)
        return await internal_error(request, err)
    return Response(prediction.model_dump_json(), media_type="application/json")


def _answer(predictor, data: bytes, source: str):
    # Decoding runs here too, in the worker thread, outside the pipeline's locks.
    return predictor.predict(uploads.decode(data, source), source)


async def health(request: Request) -> Response:
    predictor = request.app.state.predictor
    body = Health(model=predictor.pipeline.model_names, detector=predictor.pipeline.detector.name,
                  served=predictor.served, failed=predictor.failed, pending=predictor.pending)
    return JSONResponse(body.model_dump())


async def models(request: Request) -> Response:
    pipeline, settings = request.app.state.predictor.pipeline, request.app.state.settings
    infos = [ModelInfo(name=m.name, tasks=list(m.tasks), input_size=m.size, channels=m.channels,
                       synthetic=m.synthetic) for m in pipeline.models]
    body = ModelsInfo(detector=pipeline.detector.name, models=infos, max_bytes=settings.max_bytes,
                      max_pixels=settings.max_pixels)
    return JSONResponse(body.model_dump(mode="json"))


async def openapi(request: Request) -> Response:
    from facedemo.server.openapi import document

    return JSONResponse(document(request.app.state.settings))


async def page(request: Request) -> Response:
    return FileResponse(str(static_folder() / "index.html"), media_type="text/html")


async def http_error(request: Request, exc) -> Response:
    """404, 405 and the like, as JSON."""
    return error(exc.status_code, str(exc.detail))


async def internal_error(request: Request, exc: Exception) -> Response:
    """Anything unexpected: logged with its traceback, answered 500; the server goes on."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    request.app.state.predictor.count(failed=True)
    return error(500, f"internal error ({type(exc).__name__}); the server logged it")


ROUTES = [
    Route("/", page, methods=["GET"]),
    Route("/predict", predict, methods=["POST"]),
    Route("/health", health, methods=["GET"]),
    Route("/models", models, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
    Mount("/static", app=StaticFiles(directory=str(static_folder())), name="static"),
]
