"""One handler renders every domain error; validation errors name their field."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from moderation.errors import ModerationError


def _moderation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ModerationError)
    body: dict[str, object] = {"error": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return JSONResponse(body, status_code=exc.status_code)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in err["loc"] if p != "body"), "message": err["msg"],
         "type": err["type"]}
        for err in exc.errors()
    ]
    first = errors[0]["field"] if errors else None
    return JSONResponse(
        {"error": "invalid_input", "message": "request does not validate", "field": first,
         "errors": errors},
        status_code=422,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(ModerationError, _moderation_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
