"""One handler renders every domain error: JSON for the API, a page for the console."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.deps import LoginRequired
from api.templating import render
from moderation.errors import InvalidInput, ModerationError


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/v1/") or "application/json" in request.headers.get(
        "accept", "")


def _moderation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ModerationError)
    if not _is_api(request):
        if isinstance(exc, LoginRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return render(request, "error.html", {"error": exc}, status_code=exc.status_code)
    body: dict[str, object] = {"error": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return JSONResponse(body, status_code=exc.status_code)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path")),
         "message": err["msg"], "type": err["type"]}
        for err in exc.errors()
    ]
    first = errors[0]["field"] if errors else None
    if not _is_api(request):
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return _moderation_error(request, InvalidInput(message, field=first))
    return JSONResponse(
        {"error": "invalid_input", "message": "request does not validate", "field": first,
         "errors": errors},
        status_code=422,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(ModerationError, _moderation_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
