"""One handler per kind of error: problem details (RFC 9457) for the API, a page for the console."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.deps import PASSWORD_PAGE, LoginRequired, PasswordChangeRequired
from api.schemas.problems import MEDIA_TYPE, Problem, ValidationIssue, body_of, problem_of
from api.templating import render
from moderation.errors import InvalidInput, ModerationError, RateLimited

# Where a validation error's location names the part of the request, not a field.
_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")


@dataclass(frozen=True, slots=True)
class _Shown:
    """What the error page shows of an error that is not a ModerationError."""

    status_code: int
    code: str
    message: str


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/v1/") or "application/json" in request.headers.get(
        "accept", "")


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The problem as the response, in its own media type."""
    return JSONResponse(body_of(problem), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=headers)


def _moderation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ModerationError)
    # A client told to slow down is told for how long (RFC 9110 Retry-After, in seconds).
    headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited)
               else None)
    if not _is_api(request):
        if isinstance(exc, LoginRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        if isinstance(exc, PasswordChangeRequired):
            return RedirectResponse(PASSWORD_PAGE, status_code=303)
        page = render(request, "error.html", {"error": exc}, status_code=exc.status_code)
        page.headers.update(headers or {})
        return page
    return problem_response(problem_of(exc.status_code, exc.code, exc.message, field=exc.field),
                            headers=headers)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    issues = [
        ValidationIssue(field=".".join(str(p) for p in err["loc"] if p not in _REQUEST_PARTS),
                        detail=err["msg"], code=err["type"])
        for err in exc.errors()
    ]
    first = issues[0].field if issues else None
    if not _is_api(request):
        message = "; ".join(f"{i.field}: {i.detail}" for i in issues)
        return _moderation_error(request, InvalidInput(message, field=first))
    detail = f"{first}: {issues[0].detail}" if issues else "the request does not validate"
    return problem_response(problem_of(422, InvalidInput.code, detail, field=first,
                                       errors=issues))


def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes (404), methods a route does not take (405) and the like."""
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else (
        f"{phrase}: {request.method} {request.url.path}")
    if not _is_api(request) and "text/html" in request.headers.get("accept", ""):
        return render(request, "error.html", {"error": _Shown(exc.status_code, code, detail)},
                      status_code=exc.status_code)
    return problem_response(problem_of(exc.status_code, code, detail), headers=exc.headers)


def _server_error(request: Request, exc: Exception) -> Response:
    """A bug: the caller learns only that it happened (the server logs the traceback)."""
    return problem_response(problem_of(500, "internal_error", "the server failed to answer; "
                                       "the error is logged"))


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(ModerationError, _moderation_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
