"""The OpenAPI document: the routes' own, plus the problem body their error responses name."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.schemas.problems import Problem

DESCRIPTION = """\
Offer screening, the review queue, rights holders' notices and authorities' orders.

Every call is made with an account's API key in the `X-API-Key` header (the console's pages
use a session cookie instead). Every error is answered as problem details (RFC 9457,
`application/problem+json`): `type` names the problem (`/problems/<error>`), `error` repeats
its code, and a request that does not validate names the offending `field` and lists all
`errors`.
"""


def install(app: FastAPI) -> None:
    """Build the document once, on first request, with the Problem schema in its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=DESCRIPTION,
                                 routes=app.routes)
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}",
                                                mode="serialization")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            for operations in schema["paths"].values():
                for operation in operations.values():  # statuses in order, success first
                    operation["responses"] = dict(sorted(operation["responses"].items()))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
