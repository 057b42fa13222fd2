"""The one error body (RFC 9457 problem details) and its entry in each operation's docs."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.schemas.base import Schema

MEDIA_TYPE = "application/problem+json"
# Relative to the API's own address: the service has no canonical host of its own.
TYPE_PREFIX = "/problems/"
# What each status means for this API; an operation lists the ones it can answer.
MEANINGS = {
    400: "The body cannot be read: not JSON (or a form), or not in its declared encoding",
    401: "No API key or session, or an unknown API key",
    403: "The caller's role or organisation may not do this",
    404: "No such resource (or not one the caller may see)",
    409: "Conflicts with the current state (already done, held by someone else, a duplicate)",
    413: "The request body is over the size limit",
    422: "The request does not validate; `field` names the first offending field",
    429: "Too many requests from this API key or address: wait `Retry-After` seconds",
}


class ValidationIssue(Schema):
    """One failed check of a request that does not validate."""

    field: str = Field(description="Dotted path of the field in the body, query or path")
    detail: str
    code: str = Field(description="The kind of failure, e.g. `string_too_short`")


class Problem(Schema):
    """An error as problem details (RFC 9457), sent as application/problem+json."""

    type: str = Field(description="URI reference naming the problem: `/problems/<error>`")
    title: str = Field(description="Short summary of the problem type")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong with this request, for a person")
    error: str = Field(description="The problem's code, the last segment of `type`")
    field: str | None = Field(default=None, description="The offending field, where one is")
    errors: list[ValidationIssue] | None = Field(
        default=None, description="Every failed check, when the request does not validate")


def problem_of(status: int, code: str, detail: str, *, field: str | None = None,
               errors: list[ValidationIssue] | None = None) -> Problem:
    """The problem details for an error code; the title is the same for every instance."""
    return Problem(type=TYPE_PREFIX + code, title=code.replace("_", " ").capitalize(),
                   status=status, detail=detail, error=code, field=field, errors=errors)


def body_of(problem: Problem) -> dict[str, Any]:
    """The JSON body: members that do not apply are left out."""
    return problem.model_dump(mode="json", exclude_none=True)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries documenting these error statuses, all with the Problem body."""
    return {status: {"description": MEANINGS[status], "content": {
        MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for status in statuses}
