"""create_app(): the FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from api import errors
from api.limits import BodyLimit
from api.routes import cases, offers
from moderation.config import get_settings


def create_app() -> FastAPI:
    """Build the application; the worker, if any, is started by the CLI, not here."""
    app = FastAPI(title="Marketplace moderation", version="0.1.0")
    errors.install(app)
    app.include_router(offers.router)
    app.include_router(cases.router)
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_body_bytes)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
