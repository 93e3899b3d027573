"""The OpenAPI 3.1 description of the service, served at `GET /openapi.json`.

The response bodies' schemas come from the pydantic models themselves (`Prediction` from
faceschemas, the server's own small models), so the description cannot drift from what is sent.
OpenAPI 3.1 uses JSON Schema 2020-12, the dialect pydantic writes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from facedemo.server.app import ServerSettings
from facedemo.server.routes import ErrorBody, Health, ModelsInfo
from facedemo.server.uploads import FORM_FIELD
from faceschemas.prediction import Prediction

REF = "#/components/schemas/{model}"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/bmp", "image/tiff", "image/webp")


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """Each model's schema and its nested ones, all under components/schemas."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF)
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=schema)}}}}


def _errors(*statuses: tuple[int, str]) -> dict[str, Any]:
    return {str(code): _json(text, "ErrorBody") for code, text in statuses}


def _predict(settings: ServerSettings) -> dict[str, Any]:
    binary = {"type": "string", "format": "binary"}
    form = {"type": "object", "required": [FORM_FIELD], "properties": {FORM_FIELD: binary}}
    content = {"multipart/form-data": {"schema": form}} | {t: {"schema": binary} for t in IMAGE_TYPES}
    content["application/octet-stream"] = {"schema": binary}
    return {
        "summary": "Detect the faces of an image and predict every task of each",
        "operationId": "predict",
        "parameters": [{"name": "name", "in": "query", "required": False, "schema": {"type": "string"},
                        "description": "The Prediction's `source` for a raw body (default `upload`)."}],
        "requestBody": {"required": True, "content": content,
                        "description": f"At most {settings.max_bytes} bytes and {settings.max_pixels} pixels."},
        "responses": {"200": _json("One Prediction: every face with every task's answer.", "Prediction")}
        | _errors((400, "Empty, corrupt or truncated image, or a malformed form."),
                  (413, "Upload over the byte limit, or image over the pixel limit."),
                  (415, "Not an image, or a format the demo cannot decode."),
                  (500, "An unexpected failure (logged); the server goes on."),
                  (503, "Too many images in work or waiting.")),
    }


def document(settings: ServerSettings | None = None) -> dict[str, Any]:
    """The OpenAPI document (a JSON-ready dict)."""
    from facedemo import __version__

    settings = settings or ServerSettings()

    def get(summary: str, ok: dict[str, Any], operation: str) -> dict[str, Any]:
        return {"get": {"summary": summary, "operationId": operation, "responses": {"200": ok}}}

    html = {"description": "The page.", "content": {"text/html": {"schema": {"type": "string"}}}}
    spec = {"type": "object", "description": "This document."}
    return {
        "openapi": "3.1.0",
        "info": {"title": "facedemo", "version": __version__,
                 "description": "Face detection and per-face attributes (emotion, pose, age, gender, smile)."},
        "paths": {
            "/": get("The web page: drop an image, see it annotated", html, "page"),
            "/predict": {"post": _predict(settings)},
            "/health": get("The service is up", _json("Status and counts.", "Health"), "health"),
            "/models": get("The models, detector and limits", _json("What answers.", "ModelsInfo"), "models"),
            "/openapi.json": get("This description", {"description": "OpenAPI 3.1",
                                 "content": {"application/json": {"schema": spec}}}, "openapi"),
        },
        "components": {"schemas": _schemas(Prediction, Health, ModelsInfo, ErrorBody)},
    }
